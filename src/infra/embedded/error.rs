use std::path::PathBuf;

/// Errors of the embedded cluster. Messages are Chinese first, then English,
/// because they are shown to the person running duban.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "找不到 PostgreSQL 服务器程序（initdb 和 postgres），已查找 PATH 和 /usr/lib/postgresql/*/bin。\
         请安装 PostgreSQL 服务器（Debian/Ubuntu：apt-get install postgresql，程序位于 /usr/lib/postgresql/N/bin），\
         或者设置 DATABASE_URL 指向一个已有的 PostgreSQL 服务器。不会自动下载任何东西。 \
         PostgreSQL server binaries (initdb and postgres) were not found on PATH or in /usr/lib/postgresql/*/bin. \
         Install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql; the binaries live in \
         /usr/lib/postgresql/N/bin), or set DATABASE_URL to an existing PostgreSQL server. Nothing is downloaded."
    )]
    NoServerBinaries,

    #[error(
        "以 root 运行时，内置数据库需要系统用户 postgres，但它不存在；请安装 postgresql 软件包（会创建该用户）或设置 DATABASE_URL。 \
         Running as root, the embedded database needs the `postgres` system user, which does not exist; \
         install the postgresql package (it creates that user) or set DATABASE_URL."
    )]
    NoPostgresUser,

    #[error(
        "用户 postgres 无法进入目录 {dir}（需要对其他用户开放 x 权限，例如 chmod o+x），因此无法使用数据目录 {data_dir}。 \
         The postgres user cannot traverse {dir} (it needs the x bit for others, e.g. chmod o+x), \
         so the data folder {data_dir} cannot be used."
    )]
    NotTraversable { dir: PathBuf, data_dir: PathBuf },

    #[error(
        "套接字路径 {path} 长 {len} 字节，超过 Unix 套接字的上限 107 字节；请把 DUBAN_DATA_DIR 设到更短的路径。 \
         The socket path {path} is {len} bytes, over the 107-byte Unix socket limit; \
         set DUBAN_DATA_DIR to a shorter path."
    )]
    SocketPathTooLong { path: PathBuf, len: usize },

    #[error(
        "另一个 duban 进程（pid {pid}）正在使用数据目录 {dir}；请先停止它，或使用另一个 DUBAN_DATA_DIR。 \
         Another duban process (pid {pid}) is using the data folder {dir}; stop it first or use another DUBAN_DATA_DIR.",
        pid = pid.map_or_else(|| "?".to_owned(), |p| p.to_string())
    )]
    Locked { dir: PathBuf, pid: Option<u32> },

    #[error(
        "另一个 duban 进程（pid {pid}）正在使用数据目录 {dir}，但无法通过其套接字连接数据库：{last_error}。 \
         Another duban process (pid {pid}) is using the data folder {dir}, but its database could not be reached through its socket: {last_error}.",
        pid = pid.map_or_else(|| "?".to_owned(), |p| p.to_string())
    )]
    AttachFailed {
        dir: PathBuf,
        pid: Option<u32>,
        last_error: String,
    },

    #[error("{action} {path} 失败 / failed to {action_en} {path}: {source}")]
    Io {
        action: &'static str,
        action_en: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "initdb 失败（{status}），日志末尾 / initdb failed ({status}); end of the log:\n{log_tail}"
    )]
    Initdb { status: String, log_tail: String },

    #[error(
        "postgres 启动后退出（{status}），日志末尾 / postgres exited during start-up ({status}); end of the log:\n{log_tail}"
    )]
    ExitedEarly { status: String, log_tail: String },

    #[error(
        "postgres 在 {secs} 秒内没有开始接受连接（{last_error}），日志末尾 / postgres did not accept connections within {secs} s ({last_error}); end of the log:\n{log_tail}"
    )]
    StartTimeout {
        secs: u64,
        last_error: String,
        log_tail: String,
    },

    #[error("无法停止 postgres 进程 {pid} / could not stop the postgres process {pid}: {reason}")]
    Stop { pid: i32, reason: String },

    #[error("创建数据库 {database} 失败 / failed to create the database {database}: {source}")]
    CreateDatabase {
        database: String,
        #[source]
        source: sqlx::Error,
    },
}

impl EmbeddedError {
    pub(crate) fn io(
        action: &'static str,
        action_en: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io {
            action,
            action_en,
            path,
            source,
        }
    }
}
