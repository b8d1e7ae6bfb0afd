DROP TRIGGER run_responses_frozen ON run_responses;
DROP TABLE run_responses;
