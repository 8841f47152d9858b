//! The importer against a real PostgreSQL: counts, responsibilities, idempotence, refusals
//! and all-or-nothing writes.

use crate::common;
use crate::common::probe;

use duban::db::{self, tasks::TaskFilter};
use duban::workflows::importer::{ImportError, Outcome};
use sqlx::PgPool;

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .expect("count")
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn imports_the_whole_2022_plan(pool: PgPool) {
    let ids = common::seed(&pool).await;
    assert_eq!(ids.len(), 1);
    assert_eq!(count(&pool, "plans").await, 1);
    assert_eq!(count(&pool, "sections").await, 7);
    assert_eq!(count(&pool, "subsections").await, 27);
    assert_eq!(count(&pool, "tasks").await, 91);
    assert_eq!(count(&pool, "units").await, 27);
    assert_eq!(count(&pool, "errata").await, 1);
    let plan = db::plans::get(&pool, ids[0]).await.unwrap().unwrap();
    assert_eq!(plan.doc_number.as_deref(), Some("打假发〔2022〕1号"));
    assert_eq!(
        plan.issued_on.map(|d| d.to_string()).as_deref(),
        Some("2022-04-25")
    );
    assert_eq!(plan.task_count, 91);
}

/// Every task and every responsibility in the database is exactly the reviewed table.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn stored_responsibilities_match_the_golden_table(pool: PgPool) {
    let id = common::seed(&pool).await[0];
    let rows = db::tasks::list(&pool, id, &TaskFilter::default())
        .await
        .unwrap();
    let mut table = String::new();
    for t in &rows {
        table.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            t.code,
            t.lead_names.join("、"),
            t.co_names.join("、"),
            if t.unnamed_members { "等" } else { "" },
            // The golden table holds the text as parsed, before errata.
            t.text.replace("规则和标准", "规则 and 标准"),
        ));
    }
    assert_eq!(table, include_str!("../fixtures/2022-tasks.tsv"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn errata_correct_the_text_and_keep_the_source(pool: PgPool) {
    let id = common::seed(&pool).await[0];
    let t = db::tasks::get_by_code(&pool, id, "6.2.1")
        .await
        .unwrap()
        .unwrap();
    assert!(t.text.contains("规则和标准"));
    assert!(t.source_text.contains("规则 and 标准"));
    let errata = db::tasks::errata(&pool, t.id).await.unwrap();
    assert_eq!(errata.len(), 1);
    assert_eq!(errata[0].right, "规则和标准");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn units_get_their_full_names_from_the_directory(pool: PgPool) {
    common::seed(&pool).await;
    let (full,): (String,) =
        sqlx::query_as("SELECT full_name FROM units WHERE short_name = '市场监管总局'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(full, "国家市场监督管理总局");
    let (lead, co): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE role = 'lead'), count(*) FILTER (WHERE role = 'co')
         FROM task_units tu JOIN units u ON u.id = tu.unit_id WHERE u.short_name = '公安部'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // Leads 3.1.1, 3.1.2, 6.3.2; co in 1.1.1, 1.2.2, 1.2.5, 1.3.1, 1.3.7, 1.4.3, 4.1.6, 5.1.2, 7.2.1.
    assert_eq!((lead, co), (3, 9));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn importing_again_changes_nothing_and_says_so(pool: PgPool) {
    let first = common::seed(&pool).await;
    let snapshot: i64 = probe::count(&pool, "task_units").await;
    let outcomes = duban::workflows::importer::import_seeds(&pool, &common::seeds())
        .await
        .unwrap();
    assert!(matches!(outcomes[0].1, Outcome::AlreadyPresent { plan_id } if plan_id == first[0]));
    assert_eq!(count(&pool, "plans").await, 1);
    assert_eq!(count(&pool, "tasks").await, 91);
    let after: i64 = probe::count(&pool, "task_units").await;
    assert_eq!(snapshot, after);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_same_plan_with_other_content_is_refused(pool: PgPool) {
    common::seed(&pool).await;
    let text = include_str!("../../seeds/2022-work-points.md").replace("剑网2022", "剑网2O22");
    let err = common::import_text(&pool, "altered.md", &text)
        .await
        .unwrap_err();
    assert!(matches!(err, ImportError::DifferentContent { .. }), "{err}");
    assert!(err.to_string().contains("未做任何更改"));
    assert_eq!(count(&pool, "plans").await, 1);
}

/// A failure half-way through the writes leaves nothing behind: one transaction.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_failed_import_writes_nothing(pool: PgPool) {
    sqlx::raw_sql(
        "CREATE FUNCTION fail_on_4_1_1() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.code = '4.1.1' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER fail_on_4_1_1 BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION fail_on_4_1_1();",
    )
    .execute(&pool)
    .await
    .unwrap();
    let err = duban::workflows::importer::import_seeds(&pool, &common::seeds())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("injected failure"), "{err}");
    for table in [
        "plans",
        "sections",
        "subsections",
        "tasks",
        "units",
        "task_units",
        "errata",
    ] {
        assert_eq!(count(&pool, table).await, 0, "{table} must be empty");
    }
}

const PROVINCIAL: &str = "\
# 上海市打击侵犯知识产权和制售假冒伪劣商品工作领导小组文件

沪打假发〔2022〕1号

2022年5月20日

# 2022年上海市打击侵犯知识产权和制售假冒伪劣商品工作要点

根据《2022年全国打击侵犯知识产权和制售假冒伪劣商品工作要点》(打假发〔2022〕1号),制定本要点。

一、深化重点领域治理

(一)开展互联网领域治理

1.以电商平台为重点开展专项整治。(市市场监管局牵头,市公安局、市委网信办按职责分工负责)

2.查处网络侵权盗版行为。(公安部负责)
";

/// A province's plan lives beside the national one, with its own local units: even a name
/// the national directory knows (公安部) becomes the province's own unit.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_provincial_plan_lives_beside_the_national_one(pool: PgPool) {
    common::seed(&pool).await;
    let outcome = common::import_text(&pool, "shanghai.md", PROVINCIAL)
        .await
        .unwrap();
    let Outcome::Imported {
        plan_id,
        units_created,
    } = outcome
    else {
        panic!("expected a new plan");
    };
    assert_eq!(
        units_created,
        ["市市场监管局", "市公安局", "市委网信办", "公安部"]
    );
    assert_eq!(count(&pool, "plans").await, 2);
    assert_eq!(count(&pool, "units").await, 27 + 4);
    let plans = db::plans::list(&pool).await.unwrap();
    assert_eq!(plans.len(), 2);
    let shanghai = plans.iter().find(|p| p.id == plan_id).unwrap();
    assert_eq!(shanghai.doc_number.as_deref(), Some("沪打假发〔2022〕1号"));
    assert_eq!(shanghai.task_count, 2);
    let units = db::units::page_for_plan(&pool, plan_id, db::Window::first(100))
        .await
        .unwrap();
    assert_eq!(units.len(), 4);
    assert!(units.iter().all(|u| u.directory.starts_with("上海市")));
    // The national plan's units are untouched.
    let national = plans.iter().find(|p| p.id != plan_id).unwrap();
    assert_eq!(
        db::units::page_for_plan(&pool, national.id, db::Window::first(100))
            .await
            .unwrap()
            .len(),
        27
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn constraints_make_duplicates_impossible(pool: PgPool) {
    let id = common::seed(&pool).await[0];
    let dup_task = sqlx::query(
        "INSERT INTO tasks (plan_id, subsection_id, number, position, code, text, source_text,
                            responsibility_text, unnamed_members, source_line)
         SELECT plan_id, subsection_id, 99, 999, code, text, source_text, responsibility_text,
                unnamed_members, source_line FROM tasks WHERE plan_id = $1 AND code = '1.1.1'",
    )
    .bind(id)
    .execute(&pool)
    .await;
    assert!(
        dup_task.is_err(),
        "a second task with code 1.1.1 must be refused"
    );
    let dup_unit = sqlx::query(
        "INSERT INTO units (directory, short_name, full_name, sort_order)
         SELECT directory, short_name, full_name, 100 FROM units WHERE short_name = '公安部'",
    )
    .execute(&pool)
    .await;
    assert!(dup_unit.is_err());
    let both_roles = sqlx::query(
        "INSERT INTO task_units (task_id, unit_id, role, position)
         SELECT tu.task_id, tu.unit_id, 'co', 99 FROM task_units tu
         JOIN tasks t ON t.id = tu.task_id WHERE t.code = '1.1.3'",
    )
    .execute(&pool)
    .await;
    assert!(
        both_roles.is_err(),
        "a unit cannot be both lead and co of one task"
    );
}
