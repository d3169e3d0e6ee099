-- Data retention (issue 15): `helpbot serve` and `helpbot purge` delete messages, uploads and
-- review photos by age, in batches; these indexes find the old rows without reading the tables.
CREATE INDEX messages_by_time ON messages (created_at);
CREATE INDEX uploads_by_time ON uploads (created_at);
CREATE INDEX photos_by_time ON photos (created_at);
