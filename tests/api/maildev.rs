//! MailDev (SMTP on 127.0.0.1:1025), read back through its REST API on :1080; each test
//! writes to a recipient domain of its own.

use std::time::{Duration, Instant};

use accounts_api::config::{SmtpSettings, SmtpTls};
use serde_json::Value;
use uuid::Uuid;

const MAILDEV_API: &str = "http://127.0.0.1:1080/api/email";
pub const SMTP_PORT: u16 = 1025;

/// A recipient domain no other test writes to.
pub fn unique_domain() -> String {
    format!("{}.test", Uuid::now_v7().simple())
}

pub fn smtp(port: u16) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        ..SmtpSettings::default()
    }
}

/// MailDev's inbox: the messages sent to `address`, oldest first.
pub async fn mails_to(address: &str) -> Vec<Value> {
    let inbox: Vec<Value> = reqwest::get(MAILDEV_API)
        .await
        .expect("MailDev is required at 127.0.0.1:1080; start it with scripts/services-up.sh smtp")
        .json()
        .await
        .unwrap();
    inbox
        .into_iter()
        .filter(|m| {
            m["to"]
                .as_array()
                .is_some_and(|to| to.iter().any(|t| t["address"] == address))
        })
        .collect()
}

/// Waits (up to `within`) until `address` has `count` messages; returns them.
pub async fn wait_for_mails(address: &str, count: usize, within: Duration) -> Vec<Value> {
    let deadline = Instant::now() + within;
    loop {
        let mails = mails_to(address).await;
        if mails.len() >= count || Instant::now() > deadline {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub fn subjects(mails: &[Value]) -> Vec<String> {
    mails
        .iter()
        .map(|m| m["subject"].as_str().unwrap_or_default().to_owned())
        .collect()
}
