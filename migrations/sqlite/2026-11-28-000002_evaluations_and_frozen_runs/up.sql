-- One row per (response, unit): the unit's non-missing scored answers packed as
-- (indicator id: 8 bytes little-endian, value: 8-byte IEEE 754 little-endian) pairs. Written in
-- the same transaction as the answer rows, so scoring reads 20,000 rows instead of 800,000.
CREATE TABLE evaluations (
    response_id BIGINT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    packed BLOB NOT NULL,
    PRIMARY KEY (response_id, unit_id)
) WITHOUT ROWID;

-- A published cycle's numbers never change: its run rows cannot be edited or deleted, its
-- published run cannot be swapped, and no response can be added to it.
CREATE TRIGGER cycles_published_is_final BEFORE UPDATE ON cycles
WHEN OLD.published_run_id IS NOT NULL
 AND (NEW.published_run_id IS NOT OLD.published_run_id OR NEW.status <> 'published')
BEGIN SELECT RAISE(ABORT, 'a published cycle cannot change'); END;

CREATE TRIGGER responses_not_into_published BEFORE INSERT ON responses
WHEN (SELECT status FROM cycles WHERE id = NEW.cycle_id) = 'published'
BEGIN SELECT RAISE(ABORT, 'a published cycle takes no responses'); END;

CREATE TRIGGER run_scores_frozen_update BEFORE UPDATE ON run_scores
WHEN EXISTS (SELECT 1 FROM cycles WHERE published_run_id = OLD.run_id)
BEGIN SELECT RAISE(ABORT, 'a published run cannot change'); END;
CREATE TRIGGER run_scores_frozen_delete BEFORE DELETE ON run_scores
WHEN EXISTS (SELECT 1 FROM cycles WHERE published_run_id = OLD.run_id)
BEGIN SELECT RAISE(ABORT, 'a published run cannot change'); END;
CREATE TRIGGER run_indicator_scores_frozen_update BEFORE UPDATE ON run_indicator_scores
WHEN EXISTS (SELECT 1 FROM cycles WHERE published_run_id = OLD.run_id)
BEGIN SELECT RAISE(ABORT, 'a published run cannot change'); END;
CREATE TRIGGER run_indicator_scores_frozen_delete BEFORE DELETE ON run_indicator_scores
WHEN EXISTS (SELECT 1 FROM cycles WHERE published_run_id = OLD.run_id)
BEGIN SELECT RAISE(ABORT, 'a published run cannot change'); END;
CREATE TRIGGER run_component_scores_frozen_update BEFORE UPDATE ON run_component_scores
WHEN EXISTS (SELECT 1 FROM cycles WHERE published_run_id = OLD.run_id)
BEGIN SELECT RAISE(ABORT, 'a published run cannot change'); END;
CREATE TRIGGER run_component_scores_frozen_delete BEFORE DELETE ON run_component_scores
WHEN EXISTS (SELECT 1 FROM cycles WHERE published_run_id = OLD.run_id)
BEGIN SELECT RAISE(ABORT, 'a published run cannot change'); END;
CREATE TRIGGER scoring_runs_frozen_update BEFORE UPDATE ON scoring_runs
WHEN EXISTS (SELECT 1 FROM cycles WHERE published_run_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a published run cannot change'); END;
CREATE TRIGGER scoring_runs_frozen_delete BEFORE DELETE ON scoring_runs
WHEN EXISTS (SELECT 1 FROM cycles WHERE published_run_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a published run cannot change'); END;
