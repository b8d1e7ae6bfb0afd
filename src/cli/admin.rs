//! `ddci admin`: accounts for the admin pages. The password comes from DDCI_ADMIN_PASSWORD
//! (for scripts) or is asked twice on the terminal; only its Argon2id hash is stored.

use crate::auth::{self, Role};
use crate::db::{self, Pool};
use anyhow::Context;

#[derive(Debug, clap::Subcommand)]
pub enum AdminAction {
    /// Create an account (password from DDCI_ADMIN_PASSWORD, or asked on the terminal).
    Create {
        /// Login name: 3–40 letters, digits, dots, dashes or underscores.
        #[arg(long)]
        username: String,
        /// `admin` runs cycles, issues codes, publishes and manages accounts; `analyst` reads
        /// everything and scores.
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// List the accounts.
    List,
    /// Disable an account: it cannot sign in, and its sessions end at once.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[arg(long)]
        username: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

pub fn run(
    pool: &Pool,
    action: AdminAction,
    scripted_password: Option<&str>,
) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    match action {
        AdminAction::Create { username, role } => {
            let password = match scripted_password {
                Some(p) => p.to_string(),
                None => password()?,
            };
            auth::validate(&username, &password)?;
            let hash = auth::hash_password(&password)?;
            db::admin::create_user(&mut conn, "cli", &username, &hash, role)?;
            eprintln!("account `{username}` created ({})", role.as_str());
        }
        AdminAction::List => {
            println!("username,role,created_at,disabled_at");
            for u in db::admin::list_users(&mut conn)? {
                let disabled = u.disabled_at.as_deref().unwrap_or("");
                println!(
                    "{},{},{},{disabled}",
                    u.username,
                    u.role.as_str(),
                    u.created_at
                );
            }
        }
        AdminAction::Disable { username } => {
            db::admin::set_disabled(&mut conn, "cli", &username, true)?;
            eprintln!("account `{username}` disabled; its sessions have ended");
        }
        AdminAction::Enable { username } => {
            db::admin::set_disabled(&mut conn, "cli", &username, false)?;
            eprintln!("account `{username}` enabled");
        }
    }
    Ok(())
}

/// Asked twice on the terminal.
fn password() -> anyhow::Result<String> {
    let first = rpassword::prompt_password("Mật khẩu / Password: ")
        .context("cannot read a password from the terminal; set DDCI_ADMIN_PASSWORD")?;
    let again = rpassword::prompt_password("Nhập lại / Again: ")
        .context("cannot read a password from the terminal; set DDCI_ADMIN_PASSWORD")?;
    anyhow::ensure!(first == again, "the two passwords differ");
    Ok(first)
}
