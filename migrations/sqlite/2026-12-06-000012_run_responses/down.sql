DROP TRIGGER run_responses_frozen_delete;
DROP TRIGGER run_responses_frozen_update;
DROP TABLE run_responses;
