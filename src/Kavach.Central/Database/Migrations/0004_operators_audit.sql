-- kavach-central schema v4: operators and the audit of their commands.

-- Who may send commands. key_hash: SHA-256 of the operator's key (32 random bytes, base64url; shown once by
-- `kavach-central operator add NAME`). A random 256-bit key cannot be guessed, so a fast hash is enough: a slow one
-- (PBKDF2, bcrypt) protects guessable passwords, and would only cost CPU on every request here.
CREATE TABLE operators (
    name        text        PRIMARY KEY,
    key_hash    bytea       NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz            -- set by hand to revoke (docs/central.md); a disabled operator's key is refused
);

-- Every command an operator sent through the API, whether or not the broker took it, and the post's answer.
-- id is also the command's MQTT 5 correlation data: the post copies it into its cmd-result, which fills result_*.
CREATE TABLE audit (
    id              uuid        PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    operator        text        NOT NULL,
    device_id       text        NOT NULL,
    command         text        NOT NULL,   -- ack | maintenance
    payload         jsonb       NOT NULL,   -- as published
    expiry_s        integer     NOT NULL,   -- its MQTT 5 message expiry interval
    instance        text        NOT NULL,   -- the central instance that sent it (Mqtt.ClientId)
    published       text,                   -- the broker's answer (Success, NoMatchingSubscribers, …, not connected); null: unknown
    result_at       timestamptz,            -- when the post's cmd-result was committed here
    result_accepted boolean,
    result_reason   text,
    result_ts       timestamptz             -- the post's own time of the result
);

CREATE INDEX audit_device ON audit (device_id, at DESC);

-- Append-only, whoever connects: no row is deleted (nor the table truncated), and an update may only fill in, once,
-- the publish outcome and the post's answer.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        RAISE EXCEPTION 'audit is append-only: % refused', TG_OP;
    END IF;
    IF (NEW.id, NEW.at, NEW.operator, NEW.device_id, NEW.command, NEW.payload, NEW.expiry_s, NEW.instance)
           IS DISTINCT FROM (OLD.id, OLD.at, OLD.operator, OLD.device_id, OLD.command, OLD.payload, OLD.expiry_s, OLD.instance)
       OR (OLD.published IS NOT NULL AND NEW.published IS DISTINCT FROM OLD.published)
       OR (OLD.result_at IS NOT NULL AND (NEW.result_at, NEW.result_accepted, NEW.result_reason, NEW.result_ts)
           IS DISTINCT FROM (OLD.result_at, OLD.result_accepted, OLD.result_reason, OLD.result_ts)) THEN
        RAISE EXCEPTION 'audit is append-only: only the publish outcome and the post''s answer are filled in, once';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
