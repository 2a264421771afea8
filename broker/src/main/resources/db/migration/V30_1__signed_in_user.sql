-- Owned by the security feature. The roles and groups each user of an OpenID Connect provider or an LDAP directory
-- got at their latest sign-in (UserSignedInEvent): their API tokens act with these. Local users are not kept here.
CREATE TABLE signed_in_user (
    user_name    VARCHAR(200) PRIMARY KEY,
    source       VARCHAR(16)  NOT NULL,
    roles        TEXT         NOT NULL,
    groups       TEXT         NOT NULL,
    signed_in_at TIMESTAMPTZ  NOT NULL
);
