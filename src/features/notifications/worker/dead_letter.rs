use std::time::Duration;

use rdkafka::{
    Message,
    message::{Header, OwnedHeaders, OwnedMessage},
    producer::{FutureProducer, FutureRecord},
};

use crate::infra::events::KafkaSettings;

/// Parks a message in the dead-letter topic with the reason; retries until the broker has it.
pub(super) async fn dead_letter(
    producer: &FutureProducer,
    settings: &KafkaSettings,
    message: &OwnedMessage,
    reason: &str,
) {
    let topic = settings.dead_letter_topic();
    let origin = format!(
        "{}/{}/{}",
        message.topic(),
        message.partition(),
        message.offset()
    );
    tracing::error!(%origin, %reason, "message moved to the dead-letter topic");
    loop {
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: "dlq_reason",
                value: Some(reason),
            })
            .insert(Header {
                key: "dlq_origin",
                value: Some(&origin),
            });
        let mut record = FutureRecord::<[u8], [u8]>::to(&topic).headers(headers);
        if let Some(key) = message.key() {
            record = record.key(key);
        }
        if let Some(payload) = message.payload() {
            record = record.payload(payload);
        }
        match producer.send(record, Duration::from_secs(10)).await {
            Ok(_) => return,
            Err((err, _)) => {
                tracing::warn!(error = %err, "cannot write to the dead-letter topic; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
