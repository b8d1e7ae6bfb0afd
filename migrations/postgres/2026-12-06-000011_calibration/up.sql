-- METHODOLOGY.md §6 "Calibration", §5 change intervals, weight sensitivity (issue 15).
-- Runs stored before this migration used the percentile method.
ALTER TABLE scoring_runs ADD COLUMN intervals TEXT NOT NULL DEFAULT 'percentile';
ALTER TABLE run_scores ADD COLUMN total_change_ci_low DOUBLE PRECISION;
ALTER TABLE run_scores ADD COLUMN total_change_ci_high DOUBLE PRECISION;
ALTER TABLE run_scores ADD COLUMN change_significant BOOLEAN;
ALTER TABLE run_scores ADD COLUMN rank_sensitivity_low INTEGER;
ALTER TABLE run_scores ADD COLUMN rank_sensitivity_high INTEGER;
-- Every replicate total of a ranked unit (little-endian f64, replicate order, NaN = none), so
-- that the next cycle's change interval uses exactly the replicates behind these intervals.
CREATE TABLE run_replicates (
    run_id BIGINT NOT NULL REFERENCES scoring_runs (id) ON DELETE CASCADE,
    unit_code TEXT NOT NULL,
    totals BYTEA NOT NULL,
    PRIMARY KEY (run_id, unit_code)
);
CREATE TRIGGER run_replicates_frozen BEFORE UPDATE OR DELETE ON run_replicates
FOR EACH ROW EXECUTE FUNCTION ddci_run_is_frozen();
