//! `duban demo-data --scale large`: a deterministic synthetic data set for load testing — 300
//! plans of 30 provincial leading groups over 2016–2025, 100,000 tasks, 1,000 units, 10,000
//! users and 1,000,000 reports with their versions and events — written with `COPY` in one
//! transaction. Every plan title starts with 【合成】.

use super::Dice;
use crate::db::{self, audit::Actor, bulk::Copier};
use crate::rules::schedule::Period;
use crate::rules::vocabulary::{
    Assessment, ReportAction, ReportContent, ReportSnapshot, ReportStatus, ReviewState,
};
use anyhow::{Context, bail};
use chrono::{Duration, NaiveDate};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgPool};
use std::time::Instant;

/// The password of every synthetic account (hashed once: Argon2 is deliberately slow).
pub const LARGE_PASSWORD: &str = "large-password-2025";
/// The newest plan year; the fourth quarter of it is still open (drafts).
pub const NEWEST_YEAR: i32 = 2025;
const YEARS: i32 = 10;
const MAX_ISSUERS: usize = 30;
/// Office and leader accounts come first; every other user is a liaison.
const STAFF: usize = 10;
const DUE_DAYS: u32 = 10;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LargeScale {
    pub plans: usize,
    pub tasks: usize,
    pub units: usize,
    pub users: usize,
}

impl LargeScale {
    pub const FULL: LargeScale = LargeScale {
        plans: 300,
        tasks: 100_000,
        units: 1_000,
        users: 10_000,
    };

    /// The full scale times `f` (for tests), never so small that a plan is empty.
    pub fn fraction(f: f64) -> LargeScale {
        let of = |n: usize| ((n as f64) * f).round() as usize;
        let plans = of(300).max(1);
        let issuers = plans.min(MAX_ISSUERS);
        let units = of(1_000).max(issuers * 6);
        LargeScale {
            plans,
            tasks: of(100_000).max(plans * 20),
            units,
            users: of(10_000).max(units + STAFF),
        }
    }

    fn issuers(&self) -> usize {
        self.plans.min(MAX_ISSUERS)
    }
}

/// What was loaded.
#[derive(Debug, Default)]
pub struct LargeReport {
    pub plans: u64,
    pub sections: u64,
    pub subsections: u64,
    pub tasks: u64,
    pub task_units: u64,
    pub units: u64,
    pub users: u64,
    pub reports: u64,
    pub events: u64,
    pub seconds: f64,
}

const PROVINCES: &[&str] = &[
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
];

const DEPARTMENTS: &[&str] = &[
    "公安厅",
    "市场监管局",
    "知识产权局",
    "版权局",
    "网信办",
    "工业和信息化厅",
    "农业农村厅",
    "商务厅",
    "文化和旅游厅",
    "卫生健康委",
    "税务局",
    "药监局",
    "烟草专卖局",
    "邮政管理局",
    "林草局",
    "高级人民法院",
    "人民检察院",
    "司法厅",
    "财政厅",
    "交通运输厅",
    "教育厅",
    "科技厅",
    "住房城乡建设厅",
    "生态环境厅",
    "广电局",
    "宣传部",
    "政法委",
    "发展改革委",
    "自然资源厅",
    "应急管理厅",
    "统计局",
    "外事办",
    "人力资源社会保障厅",
    "民政厅",
    "水利厅",
    "体育局",
    "金融监管局",
    "通信管理局",
    "南京海关",
    "贸促会",
];

const SECTIONS: &[&str] = &[
    "扎实开展重点难点治理",
    "切实加强重点领域监管",
    "深入推进专项执法行动",
    "持续完善法律制度",
    "着力强化行政执法与刑事司法衔接",
    "加快推进信用体系建设",
    "不断深化社会共治",
    "积极开展国际交流合作",
    "切实加强组织领导",
];

const SUBSECTIONS: &[&str] = &[
    "开展互联网领域治理。",
    "开展农村地区治理。",
    "加强进出口环节监管。",
    "加强寄递渠道监管。",
    "加大重点产品监管力度。",
    "严厉打击侵权假冒犯罪。",
    "加强知识产权司法保护。",
    "健全案件移送机制。",
    "推进信息公开。",
    "加强宣传教育。",
    "强化考核评价。",
    "加强队伍建设。",
];

const ACTIONS: &[&str] = &[
    "组织开展",
    "深入推进",
    "持续加强",
    "严厉打击",
    "健全完善",
    "加快推进",
    "统筹部署",
];
const OBJECTS: &[&str] = &[
    "网络侵权盗版专项治理",
    "农资打假专项行动",
    "重点商品质量监督抽查",
    "商标侵权和专利假冒案件查处",
    "进出口货物知识产权保护",
    "寄递渠道安全管理",
    "药品和医疗器械网络销售监管",
    "侵权假冒商品环境无害化销毁",
    "行政执法与刑事司法衔接工作",
    "企业信用风险分类管理",
];
const PURPOSES: &[&str] = &[
    "切实维护消费者合法权益",
    "营造良好营商环境",
    "形成有效震慑",
    "压实平台主体责任",
    "提升治理效能",
    "推动形成社会共治格局",
];

const WORK: &[&str] = &[
    "召开专题部署会,制定实施方案,明确责任分工和时间节点",
    "组织开展集中检查,检查重点场所",
    "会同有关部门开展联合执法,移送涉嫌犯罪案件",
    "完成阶段性任务,形成工作总结并报送领导小组办公室",
    "开展专项培训,培训执法人员",
    "发布典型案例,开展普法宣传",
];
const PROBLEMS: &str = "部分地区工作进度不平衡,基层执法力量不足。";
const NEXT: &str = "继续推进,按期报送进展情况。";

/// A stable 64-bit mix of a seed and an index, so the report and event passes agree.
fn mix(seed: u64, i: u64) -> u64 {
    let mut z = seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Unit {
    id: i64,
    short: String,
}

struct Task {
    id: i64,
    /// Lead first, then co-units, as indexes into the units.
    units: Vec<usize>,
}

struct PlanShape {
    year: i32,
    tasks: Vec<Task>,
}

/// How a report's review went.
#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    Draft,
    Submitted,
    Returned,
    Accepted,
    /// Returned once, corrected, then accepted.
    Reaccepted,
}

impl Outcome {
    fn pick(r: u64, open_period: bool) -> Outcome {
        if open_period {
            return if r.is_multiple_of(5) {
                Outcome::Submitted
            } else {
                Outcome::Draft
            };
        }
        match r % 100 {
            0..=1 => Outcome::Draft,
            2..=5 => Outcome::Submitted,
            6..=8 => Outcome::Returned,
            9..=18 => Outcome::Reaccepted,
            _ => Outcome::Accepted,
        }
    }

    fn state(self) -> ReviewState {
        match self {
            Outcome::Draft => ReviewState::Draft,
            Outcome::Submitted => ReviewState::Submitted,
            Outcome::Returned => ReviewState::Returned,
            Outcome::Accepted | Outcome::Reaccepted => ReviewState::Accepted,
        }
    }

    fn version(self) -> i32 {
        match self {
            Outcome::Draft => 1,
            Outcome::Submitted => 2,
            Outcome::Returned | Outcome::Accepted => 3,
            Outcome::Reaccepted => 6,
        }
    }
}

/// Everything about one report, derived from its index alone.
struct Synth {
    outcome: Outcome,
    status: ReportStatus,
    assessment: Assessment,
    work_done: String,
    problems: &'static str,
    created: NaiveDate,
    first_submitted: NaiveDate,
    returned: NaiveDate,
    submitted: NaiveDate,
    reviewed: NaiveDate,
}

fn synth(i: u64, period: &Period, open_period: bool) -> Synth {
    let r = mix(2025, i);
    let outcome = Outcome::pick(r, open_period);
    let status = [
        ReportStatus::InProgress,
        ReportStatus::InProgress,
        ReportStatus::Done,
        ReportStatus::Behind,
        ReportStatus::NotStarted,
    ][(r >> 8) as usize % 5];
    let assessment = match (status, (r >> 12) % 3) {
        (ReportStatus::Behind, 0) => Assessment::OffTrack,
        (ReportStatus::Behind, _) => Assessment::AtRisk,
        (_, 0) if (r >> 14).is_multiple_of(4) => Assessment::AtRisk,
        _ => Assessment::OnTrack,
    };
    let work_done = format!(
        "{},共涉及{}项工作。",
        WORK[(r >> 16) as usize % WORK.len()],
        1 + (r >> 20) % 90
    );
    let day = |d: u64| Duration::days(d as i64);
    let created = period.end - day(5 + (r >> 28) % 20);
    // Most arrive in the days before the due date; about one in eight late.
    let first_submitted = period.due - day(8) + day((r >> 32) % 10);
    let returned = first_submitted + day(1 + (r >> 36) % 3);
    let submitted = if outcome == Outcome::Reaccepted {
        returned + day(2 + (r >> 40) % 4)
    } else {
        first_submitted
    };
    let reviewed = submitted + day(1 + (r >> 44) % 5);
    Synth {
        outcome,
        status,
        assessment,
        work_done,
        problems: if status == ReportStatus::Behind {
            PROBLEMS
        } else {
            ""
        },
        created,
        first_submitted,
        returned,
        submitted,
        reviewed,
    }
}

fn at(d: NaiveDate, hour: u64) -> String {
    format!("{d} {:02}:{:02}:00+08", 9 + hour % 9, (hour * 7) % 60)
}

/// Loads the data set; refused (with nothing written) where any report exists.
pub async fn generate(pool: &PgPool, scale: LargeScale) -> anyhow::Result<LargeReport> {
    let started = Instant::now();
    let hash = crate::rules::auth::hash_password(LARGE_PASSWORD)
        .map_err(|e| anyhow::anyhow!("无法计算密码散列: {e}"))?;
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    db::bulk::lock_tables(&mut tx).await?;
    db::revision::bulk_load(&mut tx).await?;
    let existing = db::bulk::report_count(&mut tx).await?;
    if existing > 0 {
        bail!(
            "数据库中已有 {existing} 份进展情况:合成数据只能生成在没有真实报告的数据库中,未做任何更改。"
        );
    }
    let mut out = LargeReport::default();
    let mut dice = Dice(2016);
    let issuers = scale.issuers();

    // Units: each provincial leading group has its own member directory.
    let first_unit = db::bulk::reserve_ids(&mut tx, "units", scale.units as i64).await?;
    let mut units: Vec<Unit> = Vec::with_capacity(scale.units);
    let mut by_issuer: Vec<Vec<usize>> = vec![Vec::new(); issuers];
    let mut c = Copier::start(
        &mut tx,
        "units (id, directory, short_name, full_name, sort_order)",
    )
    .await?;
    for k in 0..scale.units {
        let issuer = k % issuers;
        let n = by_issuer[issuer].len();
        let dept = DEPARTMENTS[n % DEPARTMENTS.len()];
        let short = match n / DEPARTMENTS.len() {
            0 => dept.to_string(),
            round => format!("{dept}{}", round + 1),
        };
        let id = first_unit + k as i64;
        c.field(id)
            .field(directory(issuer))
            .field(&short)
            .field(format!("{}{short}", PROVINCES[issuer % PROVINCES.len()]))
            .field(n + 1);
        c.end_row().await?;
        by_issuer[issuer].push(k);
        units.push(Unit { id, short });
    }
    out.units = c.finish().await?;

    // Users: office staff and leaders, then liaisons spread over the units.
    let first_user = db::bulk::reserve_ids(&mut tx, "users", scale.users as i64).await?;
    let office_id = first_user;
    let login_of = |i: usize| match i {
        0 => "large-office".to_string(),
        1 => "large-leader".to_string(),
        i if i < STAFF => format!("large-office-{i}"),
        i => format!("large-u{i:05}"),
    };
    let mut c = Copier::start(
        &mut tx,
        "users (id, login, display_name, role, unit_id, password_hash)",
    )
    .await?;
    for i in 0..scale.users {
        let (role, unit, name) = match i {
            1 => ("leader", None, "合成·领导".to_string()),
            i if i < STAFF => ("office", None, format!("合成·办公室{i}")),
            i => {
                let k = (i - STAFF) % scale.units;
                let n = (i - STAFF) / scale.units + 1;
                let name = format!("合成·{}联络员{n}", units[k].short);
                ("liaison", Some(units[k].id), name)
            }
        };
        c.field(first_user + i as i64)
            .field(login_of(i))
            .field(name)
            .field(role)
            .opt(unit)
            .field(&hash);
        c.end_row().await?;
    }
    out.users = c.finish().await?;
    // The first liaison of unit k is user STAFF + k.
    let liaison_of = |k: usize| (first_user + (STAFF + k) as i64, login_of(STAFF + k));

    // Plans, newest first: one a year for each provincial group.
    let first_plan = db::bulk::reserve_ids(&mut tx, "plans", scale.plans as i64).await?;
    let mut c = Copier::start(
        &mut tx,
        "plans (id, issuer, doc_number, title, year, issued_on, printed_on, preamble, \
         source_name, source_sha256, default_deadline_kind, cycle, due_days)",
    )
    .await?;
    let mut plans: Vec<PlanShape> = Vec::with_capacity(scale.plans);
    for p in 0..scale.plans {
        let issuer = p % issuers;
        let round = p / issuers;
        let year = NEWEST_YEAR - (round as i32 % YEARS);
        // Beyond ten years (never at the full scale) titles get a number to stay unique.
        let extra = match round as i32 / YEARS {
            0 => String::new(),
            n => format!("(之{})", n + 1),
        };
        let province = PROVINCES[issuer % PROVINCES.len()];
        let title =
            format!("【合成】{year}年{province}打击侵犯知识产权和制售假冒伪劣商品工作要点{extra}");
        let issued =
            NaiveDate::from_ymd_opt(year, 2 + (dice.roll(2) as u32), 1 + dice.roll(27) as u32)
                .context("issue date")?;
        let sha = hex::encode(Sha256::digest(title.as_bytes()));
        c.field(first_plan + p as i64)
            .field(directory(issuer))
            .field(format!("{}打假发〔{year}〕{}号{extra}", province.chars().next().unwrap_or('省'), 1 + issuer % 3))
            .field(&title)
            .field(year)
            .field(issued)
            .field(issued + Duration::days(3))
            .field(format!("做好{year}年{province}打击侵犯知识产权和制售假冒伪劣商品工作,要坚持依法治理、打建结合、统筹协调、社会共治原则。(本工作要点为性能测试合成数据。)"))
            .field(format!("synthetic-{p}.md"))
            .field(sha)
            .field(if issuer.is_multiple_of(2) {
                "year_end"
            } else {
                "ongoing"
            })
            .field("quarterly")
            .field(DUE_DAYS);
        c.end_row().await?;
        plans.push(PlanShape {
            year,
            tasks: Vec::new(),
        });
    }
    out.plans = c.finish().await?;

    // Shapes: sections of subsections of tasks, tasks shared out evenly.
    let mut shapes: Vec<Vec<Vec<usize>>> = Vec::with_capacity(scale.plans);
    for p in 0..scale.plans {
        let n_tasks = scale.tasks / scale.plans + usize::from(p < scale.tasks % scale.plans);
        let n_sections = 6 + dice.roll(4) as usize;
        let mut subs: Vec<usize> = (0..n_sections).map(|_| 4 + dice.roll(4) as usize).collect();
        while subs.iter().sum::<usize>() > n_tasks {
            if let Some(max) = subs.iter_mut().max() {
                *max -= 1;
            }
        }
        let total: usize = subs.iter().sum();
        let mut shape = Vec::with_capacity(n_sections);
        let mut placed = 0;
        for s in subs {
            let mut section = Vec::with_capacity(s);
            for _ in 0..s {
                let j = placed;
                placed += 1;
                section.push(n_tasks / total + usize::from(j < n_tasks % total));
            }
            shape.push(section);
        }
        shapes.push(shape);
    }
    let n_sections: usize = shapes.iter().map(Vec::len).sum();
    let n_subs: usize = shapes.iter().flatten().map(Vec::len).sum();
    let first_section = db::bulk::reserve_ids(&mut tx, "sections", n_sections as i64).await?;
    let first_sub = db::bulk::reserve_ids(&mut tx, "subsections", n_subs as i64).await?;
    let first_task = db::bulk::reserve_ids(&mut tx, "tasks", scale.tasks as i64).await?;

    let mut c = Copier::start(&mut tx, "sections (id, plan_id, number, title)").await?;
    let mut section_id = first_section;
    for (p, shape) in shapes.iter().enumerate() {
        for (s, _) in shape.iter().enumerate() {
            c.field(section_id)
                .field(first_plan + p as i64)
                .field(s + 1)
                .field(SECTIONS[(s + p) % SECTIONS.len()]);
            c.end_row().await?;
            section_id += 1;
        }
    }
    out.sections = c.finish().await?;

    let mut c = Copier::start(
        &mut tx,
        "subsections (id, plan_id, section_id, number, title)",
    )
    .await?;
    let (mut section_id, mut sub_id) = (first_section, first_sub);
    for (p, shape) in shapes.iter().enumerate() {
        for section in shape {
            for (n, _) in section.iter().enumerate() {
                c.field(sub_id)
                    .field(first_plan + p as i64)
                    .field(section_id)
                    .field(n + 1)
                    .field(SUBSECTIONS[(sub_id as usize) % SUBSECTIONS.len()]);
                c.end_row().await?;
                sub_id += 1;
            }
            section_id += 1;
        }
    }
    out.subsections = c.finish().await?;

    // Tasks: a lead unit and none to three co-units (2.5 units a task on average), some of
    // the past years' tasks closed.
    let mut c = Copier::start(
        &mut tx,
        "tasks (id, plan_id, subsection_id, number, position, code, text, source_text, \
         responsibility_text, unnamed_members, source_line, designation_complete, closed_at, \
         closed_by, closing_note)",
    )
    .await?;
    let (mut task_id, mut sub_id) = (first_task, first_sub);
    let mut global = 0usize;
    for (p, shape) in shapes.iter().enumerate() {
        let issuer = p % issuers;
        let pool_units = &by_issuer[issuer];
        let year = plans[p].year;
        let mut position = 0;
        for (s, section) in shape.iter().enumerate() {
            for (n, &count) in section.iter().enumerate() {
                for t in 0..count {
                    position += 1;
                    let lead = pool_units[dice.roll(pool_units.len() as u64) as usize];
                    let mut assigned = vec![lead];
                    let co = (global % 4).min(pool_units.len() - 1);
                    while assigned.len() < co + 1 {
                        let u = pool_units[dice.roll(pool_units.len() as u64) as usize];
                        if !assigned.contains(&u) {
                            assigned.push(u);
                        }
                    }
                    global += 1;
                    let text = format!(
                        "{}{},{}。",
                        ACTIONS[dice.roll(ACTIONS.len() as u64) as usize],
                        OBJECTS[dice.roll(OBJECTS.len() as u64) as usize],
                        PURPOSES[dice.roll(PURPOSES.len() as u64) as usize]
                    );
                    let names: Vec<&str> =
                        assigned.iter().map(|&u| units[u].short.as_str()).collect();
                    let responsibility = if names.len() == 1 {
                        format!("{}负责", names[0])
                    } else {
                        format!("{}牵头,{}按职责分工负责", names[0], names[1..].join("、"))
                    };
                    let closed = year < NEWEST_YEAR && dice.roll(10) == 0;
                    c.field(task_id)
                        .field(first_plan + p as i64)
                        .field(sub_id)
                        .field(t + 1)
                        .field(position)
                        .field(format!("{}.{}.{}", s + 1, n + 1, t + 1))
                        .field(&text)
                        .field(format!("{}. {text}({responsibility})", t + 1))
                        .field(&responsibility)
                        .field(false)
                        .field(10 + position * 2)
                        .field(true)
                        .opt(closed.then(|| format!("{year}-12-28 16:00:00+08")))
                        .opt(closed.then_some(office_id))
                        .opt(closed.then_some("任务已完成"));
                    c.end_row().await?;
                    plans[p].tasks.push(Task {
                        id: task_id,
                        units: assigned,
                    });
                    task_id += 1;
                }
                sub_id += 1;
            }
        }
    }
    out.tasks = c.finish().await?;

    let mut c = Copier::start(&mut tx, "task_units (task_id, unit_id, role, position)").await?;
    for task in plans.iter().flat_map(|p| &p.tasks) {
        for (i, &u) in task.units.iter().enumerate() {
            let (role, pos) = if i == 0 { ("lead", 1) } else { ("co", i) };
            c.field(task.id).field(units[u].id).field(role).field(pos);
            c.end_row().await?;
        }
    }
    out.task_units = c.finish().await?;

    // Reports: every unit of every task, every quarter. Two passes over the same indexes:
    // the reports, then their events.
    let n_reports: usize = plans
        .iter()
        .flat_map(|p| &p.tasks)
        .map(|t| t.units.len() * 4)
        .sum();
    let first_report = db::bulk::reserve_ids(&mut tx, "reports", n_reports as i64).await?;
    let periods: Vec<Vec<Period>> = (NEWEST_YEAR - YEARS + 1..=NEWEST_YEAR)
        .map(|y| {
            (1..=4)
                .filter_map(|q| Period::parse(&format!("{y}-Q{q}"), DUE_DAYS).map(|(_, p)| p))
                .collect()
        })
        .collect();
    let mut c = Copier::start(
        &mut tx,
        "reports (id, task_id, unit_id, period, period_start, period_end, due_on, version, \
         review_state, status, self_assessment, office_assessment, work_done, problems, \
         next_steps, return_reason, first_submitted_at, submitted_at, reviewed_at, reviewed_by, \
         accepted_at, created_by, updated_by, created_at, updated_at)",
    )
    .await?;
    for (i, (task, u, period, open)) in slots(&plans, &periods).enumerate() {
        let s = synth(i as u64, period, open);
        let o = s.outcome;
        let (liaison, _) = liaison_of(u);
        let submitted = o != Outcome::Draft;
        let reviewed = matches!(
            o,
            Outcome::Returned | Outcome::Accepted | Outcome::Reaccepted
        );
        let accepted = matches!(o, Outcome::Accepted | Outcome::Reaccepted);
        let h = i as u64;
        let updated = if reviewed {
            s.reviewed
        } else if submitted {
            s.submitted
        } else {
            s.created
        };
        c.field(first_report + i as i64)
            .field(task)
            .field(units[u].id)
            .field(&period.key)
            .field(period.start)
            .field(period.end)
            .field(period.due)
            .field(o.version())
            .field(o.state())
            .field(s.status)
            .field(s.assessment)
            .opt(accepted.then_some(s.assessment))
            .field(&s.work_done)
            .field(s.problems)
            .field(NEXT)
            .opt((o == Outcome::Returned).then_some("请补充量化数据。"))
            .opt(submitted.then(|| at(s.first_submitted, h)))
            .opt(submitted.then(|| at(s.submitted, h)))
            .opt(reviewed.then(|| at(s.reviewed, h + 1)))
            .opt(reviewed.then_some(office_id))
            .opt(accepted.then(|| at(s.reviewed, h + 1)))
            .field(liaison)
            .field(liaison)
            .field(at(s.created, h))
            .field(at(updated, h + 1));
        c.end_row().await?;
    }
    out.reports = c.finish().await?;

    let mut c = Copier::start(
        &mut tx,
        "report_events (report_id, at, actor_id, actor_login, action, version, reason, snapshot)",
    )
    .await?;
    for (i, (_, u, period, open)) in slots(&plans, &periods).enumerate() {
        let s = synth(i as u64, period, open);
        let (liaison, liaison_login) = liaison_of(u);
        let h = i as u64;
        let snapshot = |version: i32, office: bool| {
            ReportSnapshot {
                content: ReportContent {
                    status: s.status,
                    self_assessment: s.assessment,
                    work_done: s.work_done.clone(),
                    problems: s.problems.to_string(),
                    next_steps: NEXT.to_string(),
                },
                office_assessment: office.then_some(s.assessment),
                coordination: Vec::new(),
                version,
            }
            .to_json()
            .to_string()
        };
        use ReportAction::{Accepted, Returned, Submitted};
        let events: Vec<(ReportAction, i32, NaiveDate, bool)> = match s.outcome {
            Outcome::Draft => vec![],
            Outcome::Submitted => vec![(Submitted, 2, s.first_submitted, false)],
            Outcome::Returned => vec![
                (Submitted, 2, s.first_submitted, false),
                (Returned, 3, s.reviewed, false),
            ],
            Outcome::Accepted => vec![
                (Submitted, 2, s.first_submitted, false),
                (Accepted, 3, s.reviewed, true),
            ],
            Outcome::Reaccepted => vec![
                (Submitted, 2, s.first_submitted, false),
                (Returned, 3, s.returned, false),
                (Submitted, 5, s.submitted, false),
                (Accepted, 6, s.reviewed, true),
            ],
        };
        for (action, version, on, office) in events {
            let by_office = action != Submitted;
            c.field(first_report + i as i64)
                .field(at(on, h + u64::from(by_office)))
                .field(if by_office { office_id } else { liaison })
                .field(if by_office {
                    "large-office"
                } else {
                    liaison_login.as_str()
                })
                .field(action)
                .field(version)
                .opt((action == Returned).then_some("请补充量化数据。"))
                .field(snapshot(version, office));
            c.end_row().await?;
        }
    }
    out.events = c.finish().await?;

    let system = Actor {
        login: Some("demo-data".into()),
        ..Actor::default()
    };
    db::audit::record(
        &mut *tx,
        &system,
        "demo_data_large",
        None,
        json!({ "plans": out.plans, "tasks": out.tasks, "reports": out.reports }),
    )
    .await?;
    tx.commit().await?;
    db::bulk::analyze(&mut conn).await?;
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

/// Every (task, unit index, period, still open) a report is written for, in id order.
fn slots<'a>(
    plans: &'a [PlanShape],
    periods: &'a [Vec<Period>],
) -> impl Iterator<Item = (i64, usize, &'a Period, bool)> + 'a {
    plans.iter().flat_map(move |plan| {
        let ps = &periods[(plan.year - (NEWEST_YEAR - YEARS + 1)) as usize];
        plan.tasks.iter().flat_map(move |t| {
            t.units.iter().flat_map(move |&u| {
                ps.iter()
                    .enumerate()
                    .map(move |(q, p)| (t.id, u, p, plan.year == NEWEST_YEAR && q == 3))
            })
        })
    })
}

fn directory(issuer: usize) -> String {
    format!(
        "{}打击侵犯知识产权和制售假冒伪劣商品工作领导小组",
        PROVINCES[issuer % PROVINCES.len()]
    )
}
