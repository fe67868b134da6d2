//! The one message line above the page: what it says and what kind of message it is, which
//! decides what clears it.

/// What a notice is about, which decides what clears it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A failed load or run: the next good load clears it.
    Failure,
    /// A refused setting (or something the page could not do: draw a chart, export a file, keep
    /// the Runs table): stands until a setting is accepted.
    Setting,
    /// The worker crashed and was restarted: stands over the reload that follows, then is
    /// cleared like a failure.
    Crash,
}

/// The message line's kind and text, always changed together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

impl Notice {
    pub fn failure(text: impl Into<String>) -> Self {
        Self { kind: NoticeKind::Failure, text: text.into() }
    }

    pub fn setting(text: impl Into<String>) -> Self {
        Self { kind: NoticeKind::Setting, text: text.into() }
    }

    pub fn crash(text: impl Into<String>) -> Self {
        Self { kind: NoticeKind::Crash, text: text.into() }
    }

    /// What a good load leaves of this notice: a failed load or run is over, a refused setting
    /// still stands, and a crash is told until the next good load (the reload it caused is this
    /// one).
    pub fn after_load(self) -> Option<Self> {
        match self.kind {
            NoticeKind::Failure => None,
            NoticeKind::Setting => Some(self),
            NoticeKind::Crash => Some(Self { kind: NoticeKind::Failure, ..self }),
        }
    }

    /// What an accepted setting leaves of this notice: a refused setting is over.
    pub fn after_setting_accepted(self) -> Option<Self> {
        (self.kind != NoticeKind::Setting).then_some(self)
    }
}
