-- kavach-central schema v3: what the operator's view needs to rank the fleet — the severity order of the levels (to
-- find the alert that opened a device's current alarm episode) and every command result the posts send (to know
-- whether that episode was acknowledged).

-- The daemon's severity order (RiskLevel): LOW < MEDIUM < FAULT < HIGH. A rise opens a new alarm episode.
CREATE FUNCTION kavach_level_rank(level text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT CASE level WHEN 'LOW' THEN 0 WHEN 'MEDIUM' THEN 1 WHEN 'FAULT' THEN 2 WHEN 'HIGH' THEN 3 END $$;

-- Every kavach/<id>/cmd-result received (docs/schemas/cmd-result.schema.json), whoever sent the command: an accepted
-- ack names the alert seq it acknowledged. correlation: the command's MQTT 5 correlation data, which the post copies
-- (the central sends its audit id there); null when the command had none. A re-delivery of the same result
-- (same device, correlation, command, ts) is a no-op.
CREATE TABLE cmd_results (
    id          bigserial   PRIMARY KEY,
    device_id   text        NOT NULL,
    command     text        NOT NULL,
    accepted    boolean     NOT NULL,
    reason      text        NOT NULL,
    seq         bigint,
    ts          timestamptz NOT NULL,
    correlation bytea,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX cmd_results_once ON cmd_results (device_id, coalesce(correlation, ''::bytea), command, ts);

CREATE INDEX cmd_results_acks ON cmd_results (device_id, seq) WHERE command = 'ack' AND accepted;
