use std::collections::HashMap;

use rdkafka::{Message, Offset, TopicPartitionList, error::KafkaError, message::OwnedMessage};

/// Groups messages by key, keeping each key's order; keyless ones stand alone.
pub(super) fn by_key(batch: Vec<OwnedMessage>) -> Vec<Vec<OwnedMessage>> {
    let mut groups: Vec<Vec<OwnedMessage>> = Vec::new();
    let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
    for message in batch {
        match message.key().map(<[u8]>::to_vec) {
            Some(key) => match index.get(&key) {
                Some(&i) => groups[i].push(message),
                None => {
                    index.insert(key, groups.len());
                    groups.push(vec![message]);
                }
            },
            None => groups.push(vec![message]),
        }
    }
    groups
}

/// The offsets to commit once the batch is handled: one past each partition's last.
pub(super) fn next_offsets(batch: &[OwnedMessage]) -> Result<TopicPartitionList, KafkaError> {
    let mut last: HashMap<(&str, i32), i64> = HashMap::new();
    for message in batch {
        let offset = last
            .entry((message.topic(), message.partition()))
            .or_insert(message.offset());
        *offset = (*offset).max(message.offset());
    }
    let mut offsets = TopicPartitionList::new();
    for ((topic, partition), offset) in last {
        offsets.add_partition_offset(topic, partition, Offset::Offset(offset + 1))?;
    }
    Ok(offsets)
}
