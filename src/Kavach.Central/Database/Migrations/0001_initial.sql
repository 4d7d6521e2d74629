-- kavach-central schema v1: devices, alerts (partitioned by month), shed records, rejected messages.

-- One row per post or locomotive: its latest status (retained on the broker, with the last will) and what its alerts said.
CREATE TABLE devices (
    device_id     text PRIMARY KEY,
    online        boolean NOT NULL DEFAULT false,
    state         text,          -- the latest status: online | offline | conflict (null: no status seen yet)
    instance      text,          -- the daemon process that sent it (16 hex digits, new at each start)
    software      text,
    commissioning text,
    started_at    timestamptz,
    status_at     timestamptz,   -- when the central committed the latest status
    last_seen     timestamptz,   -- when the central committed the latest message of any kind
    level         text,          -- the level of the device's latest alert (by its ts)
    level_ts      timestamptz,
    last_epoch    text,
    last_seq      bigint
);

-- Every alert once. The daemon sends an alert byte for byte as it committed it, so a re-delivery has the same
-- (device_id, epoch, seq) and the same ts: ts is in the key because a partitioned table's key must hold the
-- partition column; the key stays unique per (device_id, epoch, seq). epoch '' = a daemon before its schema v4.
CREATE TABLE alerts (
    device_id    text        NOT NULL,
    epoch        text        NOT NULL,
    seq          bigint      NOT NULL,
    ts           timestamptz NOT NULL,
    id           uuid        NOT NULL,
    level        text        NOT NULL,
    previous     text,
    clock_synced boolean     NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    payload      jsonb       NOT NULL,
    PRIMARY KEY (device_id, epoch, seq, ts)
) PARTITION BY RANGE (ts);

-- Monthly partitions are created ahead (Partitions.cs); an alert stamped outside them (a post whose clock is not
-- synced, a date far in the past) lands here and is moved when its month's partition is created.
CREATE TABLE alerts_default PARTITION OF alerts DEFAULT;

CREATE INDEX alerts_ts ON alerts (ts);

-- The daemon's own announcements of alerts dropped from its full outbox: acknowledged losses, never gaps to wait for.
CREATE TABLE sheds (
    device_id   text        NOT NULL,
    epoch       text        NOT NULL,
    from_seq    bigint      NOT NULL,
    to_seq      bigint      NOT NULL,
    ts          timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, epoch, from_seq, to_seq)
);

-- Messages that do not fit the contract: kept (and acknowledged) rather than redelivered forever or dropped unseen.
CREATE TABLE rejects (
    id          bigserial PRIMARY KEY,
    topic       text        NOT NULL,
    reason      text        NOT NULL,
    payload     bytea       NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
