-- kavach-central schema v2: per-stream seq accounting. A stream is one device's alerts within one epoch; seq runs
-- from 1 without gaps at the sender, so any seq below the highest one seen that neither arrived nor was shed is
-- missing: an open gap, closed when the late alert arrives (or a shed record announces it lost).

CREATE TABLE streams (
    device_id  text        NOT NULL,
    epoch      text        NOT NULL,
    max_seq    bigint      NOT NULL DEFAULT 0,   -- the highest seq that arrived or was shed
    received   bigint      NOT NULL DEFAULT 0,   -- distinct alerts that arrived
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, epoch)
);

CREATE TABLE gaps (
    device_id text        NOT NULL,
    epoch     text        NOT NULL,
    from_seq  bigint      NOT NULL,
    to_seq    bigint      NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),   -- when its first seq was found missing
    PRIMARY KEY (device_id, epoch, from_seq)
);
