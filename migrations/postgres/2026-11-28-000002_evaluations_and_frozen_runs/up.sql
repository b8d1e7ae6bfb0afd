-- One row per (response, unit): the unit's non-missing scored answers packed as
-- (indicator id: 8 bytes little-endian, value: 8-byte IEEE 754 little-endian) pairs. Written in
-- the same transaction as the answer rows, so scoring reads 20,000 rows instead of 800,000.
CREATE TABLE evaluations (
    response_id BIGINT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    packed BYTEA NOT NULL,
    PRIMARY KEY (response_id, unit_id)
);

-- A published cycle's numbers never change: its run rows cannot be edited or deleted, its
-- published run cannot be swapped, and no response can be added to it.
CREATE FUNCTION ddci_published_is_final() RETURNS trigger AS $$
BEGIN
    IF OLD.published_run_id IS NOT NULL
       AND (NEW.published_run_id IS DISTINCT FROM OLD.published_run_id OR NEW.status <> 'published') THEN
        RAISE EXCEPTION 'a published cycle cannot change';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER cycles_published_is_final BEFORE UPDATE ON cycles
FOR EACH ROW EXECUTE FUNCTION ddci_published_is_final();

CREATE FUNCTION ddci_no_response_into_published() RETURNS trigger AS $$
BEGIN
    IF (SELECT status FROM cycles WHERE id = NEW.cycle_id) = 'published' THEN
        RAISE EXCEPTION 'a published cycle takes no responses';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER responses_not_into_published BEFORE INSERT ON responses
FOR EACH ROW EXECUTE FUNCTION ddci_no_response_into_published();

CREATE FUNCTION ddci_run_is_frozen() RETURNS trigger AS $$
DECLARE run BIGINT;
BEGIN
    IF TG_TABLE_NAME = 'scoring_runs' THEN run := OLD.id; ELSE run := OLD.run_id; END IF;
    IF EXISTS (SELECT 1 FROM cycles WHERE published_run_id = run) THEN
        RAISE EXCEPTION 'a published run cannot change';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER run_scores_frozen BEFORE UPDATE OR DELETE ON run_scores
FOR EACH ROW EXECUTE FUNCTION ddci_run_is_frozen();
CREATE TRIGGER run_indicator_scores_frozen BEFORE UPDATE OR DELETE ON run_indicator_scores
FOR EACH ROW EXECUTE FUNCTION ddci_run_is_frozen();
CREATE TRIGGER run_component_scores_frozen BEFORE UPDATE OR DELETE ON run_component_scores
FOR EACH ROW EXECUTE FUNCTION ddci_run_is_frozen();
CREATE TRIGGER scoring_runs_frozen BEFORE UPDATE OR DELETE ON scoring_runs
FOR EACH ROW EXECUTE FUNCTION ddci_run_is_frozen();
