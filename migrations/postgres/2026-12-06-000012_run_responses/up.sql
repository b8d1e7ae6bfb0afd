-- A run records exactly which responses it scored (issue 12), so that its data package holds
-- those responses and no later one. Frozen once the run is published, like its numbers. A
-- scored response cannot be deleted while a run records it. Runs stored before this migration
-- have no rows: their package falls back to every response of the cycle.
CREATE TABLE run_responses (
    run_id BIGINT NOT NULL REFERENCES scoring_runs (id) ON DELETE CASCADE,
    response_id BIGINT NOT NULL REFERENCES responses (id),
    PRIMARY KEY (run_id, response_id)
);
CREATE TRIGGER run_responses_frozen BEFORE UPDATE OR DELETE ON run_responses
FOR EACH ROW EXECUTE FUNCTION ddci_run_is_frozen();
