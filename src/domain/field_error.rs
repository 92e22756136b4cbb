/// One invalid field of a request, named as in the request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub(crate) fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Collects every field error of a request, so the client learns about all of them at once.
#[derive(Debug, Default)]
pub(crate) struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    /// Parses `value` for `field`, remembering the error; `None` when it was invalid.
    pub(crate) fn check<T>(&mut self, field: &str, value: Result<T, String>) -> Option<T> {
        value
            .map_err(|message| self.errors.push(FieldError::new(field, message)))
            .ok()
    }

    pub(crate) fn reject(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// `Ok(value)` when no field failed, else every failure.
    pub(crate) fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, Vec<FieldError>> {
        match (self.errors.is_empty(), value()) {
            (true, Some(value)) => Ok(value),
            _ => Err(self.errors),
        }
    }
}
