use crate::domain::EventEnvelope;

/// Send the e-mail for one event.
#[derive(Debug)]
pub(crate) struct SendEmail {
    pub event: EventEnvelope,
}
