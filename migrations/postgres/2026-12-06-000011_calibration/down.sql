DROP TRIGGER run_replicates_frozen ON run_replicates;
DROP TABLE run_replicates;
ALTER TABLE run_scores DROP COLUMN rank_sensitivity_high;
ALTER TABLE run_scores DROP COLUMN rank_sensitivity_low;
ALTER TABLE run_scores DROP COLUMN change_significant;
ALTER TABLE run_scores DROP COLUMN total_change_ci_high;
ALTER TABLE run_scores DROP COLUMN total_change_ci_low;
ALTER TABLE scoring_runs DROP COLUMN intervals;
