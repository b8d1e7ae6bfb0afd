-- METHODOLOGY.md §3, §8, §9: what a run stores besides §2–7.
ALTER TABLE scoring_runs ADD COLUMN kinds_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE run_scores ADD COLUMN change_basis TEXT;
ALTER TABLE run_scores ADD COLUMN count_only BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE run_indicator_scores ADD COLUMN weight_sum DOUBLE PRECISION;
ALTER TABLE run_indicator_scores ADD COLUMN weight_sq_sum DOUBLE PRECISION;
ALTER TABLE run_indicator_scores ADD COLUMN within_ss DOUBLE PRECISION;
ALTER TABLE run_indicator_scores ADD COLUMN estimate DOUBLE PRECISION;
ALTER TABLE run_indicator_scores ADD COLUMN shrinkage DOUBLE PRECISION;
CREATE TABLE run_shrinkage (
    run_id BIGINT NOT NULL REFERENCES scoring_runs (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    m INTEGER NOT NULL,
    mu DOUBLE PRECISION NOT NULL,
    sigma2 DOUBLE PRECISION NOT NULL,
    tau2 DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (run_id, indicator_code)
);
CREATE TRIGGER run_shrinkage_frozen BEFORE UPDATE OR DELETE ON run_shrinkage
FOR EACH ROW EXECUTE FUNCTION ddci_run_is_frozen();
