-- Owned by the notice feature. The messages admins sent to the users of sessions (SessionMessageSentEvent): their
-- desktop tabs show each one for a while after it was sent (MessageNotices).
CREATE TABLE session_message (
    id         UUID PRIMARY KEY,
    session_id UUID          NOT NULL,
    user_name  VARCHAR(200)  NOT NULL,
    text       VARCHAR(2000) NOT NULL,
    sent_by    VARCHAR(200)  NOT NULL,
    sent_at    TIMESTAMPTZ   NOT NULL
);
CREATE INDEX session_message_session ON session_message (session_id, sent_at);
