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
    totals BLOB NOT NULL,
    PRIMARY KEY (run_id, unit_code)
);
CREATE TRIGGER run_replicates_frozen_update BEFORE UPDATE ON run_replicates
WHEN EXISTS (SELECT 1 FROM cycles WHERE published_run_id = OLD.run_id)
BEGIN SELECT RAISE(ABORT, 'a published run cannot change'); END;
CREATE TRIGGER run_replicates_frozen_delete BEFORE DELETE ON run_replicates
WHEN EXISTS (SELECT 1 FROM cycles WHERE published_run_id = OLD.run_id)
BEGIN SELECT RAISE(ABORT, 'a published run cannot change'); END;
