-- The whole data model of ddci. Dates and timestamps are ISO 8601 text on both backends.
-- Anonymity rule: nothing in responses, answers, response_profiles or comments refers to an
-- invitation, and responses carry only the submission date (no time, no IP, no user agent).

-- Settings of the installation (e.g. the secret behind the pseudonyms of exported packages).
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- The seed catalog (template). `ddci seed` replaces it; cycles copy it when they are created.
CREATE TABLE catalog_kinds (
    code TEXT PRIMARY KEY NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE catalog_units (
    code TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL REFERENCES catalog_kinds (code),
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE catalog_components (
    code TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL REFERENCES catalog_kinds (code),
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    weight DOUBLE PRECISION NOT NULL CHECK (weight > 0),
    sort_order INTEGER NOT NULL
);

CREATE TABLE catalog_indicators (
    code TEXT PRIMARY KEY NOT NULL,
    component_code TEXT NOT NULL REFERENCES catalog_components (code),
    question_type TEXT NOT NULL CHECK (question_type IN ('likert5', 'yes_no', 'number')),
    aggregate TEXT NOT NULL CHECK (aggregate IN ('mean', 'share_agree', 'share_yes', 'median')),
    direction TEXT NOT NULL CHECK (direction IN ('higher_better', 'lower_better')),
    weight DOUBLE PRECISION NOT NULL CHECK (weight > 0),
    scale TEXT NOT NULL,
    text_vi TEXT NOT NULL,
    text_en TEXT NOT NULL,
    unit_vi TEXT NOT NULL,
    unit_en TEXT NOT NULL,
    dont_know BOOLEAN NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE catalog_profile_questions (
    code TEXT PRIMARY KEY NOT NULL,
    question_type TEXT NOT NULL CHECK (question_type IN ('single_choice', 'number')),
    text_vi TEXT NOT NULL,
    text_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE catalog_profile_choices (
    question_code TEXT NOT NULL REFERENCES catalog_profile_questions (code),
    code TEXT NOT NULL,
    label_vi TEXT NOT NULL,
    label_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    PRIMARY KEY (question_code, code)
);

CREATE TABLE catalog_groups (
    position INTEGER PRIMARY KEY NOT NULL,
    label_vi TEXT NOT NULL,
    label_en TEXT NOT NULL,
    min_total DOUBLE PRECISION
);

-- Plan 230/KH-UBND section IV: which agency leads each PCI sub-index.
CREATE TABLE pci_accountability (
    pci_code TEXT PRIMARY KEY NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    pci_weight DOUBLE PRECISION,
    lead_unit_code TEXT NOT NULL REFERENCES catalog_units (code),
    ddci_component_codes TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- Survey cycles and their own copy of the catalog, so that next year's edits never change them.
CREATE TABLE cycles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    year INTEGER NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed', 'published')),
    min_responses INTEGER NOT NULL CHECK (min_responses >= 1),
    pool_years INTEGER NOT NULL CHECK (pool_years >= 1),
    bootstrap_replicates INTEGER NOT NULL CHECK (bootstrap_replicates >= 0),
    bootstrap_seed BIGINT NOT NULL,
    groups_json TEXT NOT NULL,
    closes_on TEXT,
    created_at TEXT NOT NULL,
    published_run_id BIGINT
);

CREATE TABLE units (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    kind_name_vi TEXT NOT NULL,
    kind_name_en TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    UNIQUE (cycle_id, code)
);

CREATE TABLE components (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    weight DOUBLE PRECISION NOT NULL CHECK (weight > 0),
    sort_order INTEGER NOT NULL,
    UNIQUE (cycle_id, code)
);

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    component_id BIGINT NOT NULL REFERENCES components (id),
    code TEXT NOT NULL,
    question_type TEXT NOT NULL CHECK (question_type IN ('likert5', 'yes_no', 'number')),
    aggregate TEXT NOT NULL CHECK (aggregate IN ('mean', 'share_agree', 'share_yes', 'median')),
    direction TEXT NOT NULL CHECK (direction IN ('higher_better', 'lower_better')),
    weight DOUBLE PRECISION NOT NULL CHECK (weight > 0),
    scale TEXT NOT NULL,
    text_vi TEXT NOT NULL,
    text_en TEXT NOT NULL,
    unit_vi TEXT NOT NULL,
    unit_en TEXT NOT NULL,
    dont_know BOOLEAN NOT NULL,
    sort_order INTEGER NOT NULL,
    UNIQUE (cycle_id, code)
);

CREATE TABLE profile_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    code TEXT NOT NULL,
    question_type TEXT NOT NULL CHECK (question_type IN ('single_choice', 'number')),
    text_vi TEXT NOT NULL,
    text_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    UNIQUE (cycle_id, code)
);

CREATE TABLE profile_choices (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    profile_question_id BIGINT NOT NULL REFERENCES profile_questions (id),
    code TEXT NOT NULL,
    label_vi TEXT NOT NULL,
    label_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    UNIQUE (profile_question_id, code)
);

-- ---------------------------------------------------------------------------------------------
-- Invitations: the code is stored only as a hash; the label serves the Association's mail merge
-- and is never copied anywhere else. Drafts belong to an invitation and die at submission.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    code_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    status TEXT NOT NULL CHECK (status IN ('issued', 'started', 'submitted')),
    created_on TEXT NOT NULL
);

CREATE TABLE drafts (
    invitation_id BIGINT PRIMARY KEY NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    data_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Responses: the id is random (not a sequence), the date has no time of day, and no column
-- points to an invitation.
CREATE TABLE responses (
    id BIGINT PRIMARY KEY NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    response_key TEXT NOT NULL,
    weight DOUBLE PRECISION NOT NULL CHECK (weight > 0),
    channel TEXT NOT NULL CHECK (channel IN ('web', 'api', 'paper', 'demo')),
    submitted_on TEXT NOT NULL,
    UNIQUE (cycle_id, response_key)
) WITHOUT ROWID;
CREATE INDEX responses_cycle ON responses (cycle_id);

CREATE TABLE response_profiles (
    response_id BIGINT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_code TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (response_id, question_code)
) WITHOUT ROWID;

-- One row per (response, unit, indicator) shown; value NULL means "don't know / not applicable".
CREATE TABLE answers (
    response_id BIGINT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    indicator_id BIGINT NOT NULL REFERENCES indicators (id),
    value DOUBLE PRECISION,
    PRIMARY KEY (response_id, unit_id, indicator_id)
) WITHOUT ROWID;

-- Free-text comments per unit, deliberately without a response id so that comments cannot be
-- joined with answers or with each other.
CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    body TEXT NOT NULL,
    submitted_on TEXT NOT NULL
);
CREATE INDEX comments_unit ON comments (unit_id);

-- ---------------------------------------------------------------------------------------------
-- Scoring runs keep their parameters and every number they published.
CREATE TABLE scoring_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    created_at TEXT NOT NULL,
    min_responses INTEGER NOT NULL,
    pool_years INTEGER NOT NULL,
    bootstrap_replicates INTEGER NOT NULL,
    bootstrap_seed BIGINT NOT NULL,
    groups_json TEXT NOT NULL,
    pooled_cycles TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    warnings_json TEXT NOT NULL
);
CREATE INDEX scoring_runs_cycle ON scoring_runs (cycle_id);

CREATE TABLE run_scores (
    run_id BIGINT NOT NULL REFERENCES scoring_runs (id) ON DELETE CASCADE,
    unit_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    responses INTEGER NOT NULL,
    ranked BOOLEAN NOT NULL,
    total DOUBLE PRECISION,
    rank INTEGER,
    group_vi TEXT,
    group_en TEXT,
    total_ci_low DOUBLE PRECISION,
    total_ci_high DOUBLE PRECISION,
    rank_ci_low INTEGER,
    rank_ci_high INTEGER,
    total_change DOUBLE PRECISION,
    rank_change INTEGER,
    missing_components TEXT NOT NULL,
    PRIMARY KEY (run_id, unit_code)
);

CREATE TABLE run_indicator_scores (
    run_id BIGINT NOT NULL REFERENCES scoring_runs (id) ON DELETE CASCADE,
    unit_code TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    n INTEGER NOT NULL,
    raw_value DOUBLE PRECISION,
    ci_low DOUBLE PRECISION,
    ci_high DOUBLE PRECISION,
    pool_min DOUBLE PRECISION,
    pool_max DOUBLE PRECISION,
    score DOUBLE PRECISION,
    PRIMARY KEY (run_id, unit_code, indicator_code)
);

CREATE TABLE run_component_scores (
    run_id BIGINT NOT NULL REFERENCES scoring_runs (id) ON DELETE CASCADE,
    unit_code TEXT NOT NULL,
    component_code TEXT NOT NULL,
    score DOUBLE PRECISION,
    PRIMARY KEY (run_id, unit_code, component_code)
);

CREATE TABLE run_summaries (
    run_id BIGINT NOT NULL REFERENCES scoring_runs (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    ranked_units INTEGER NOT NULL,
    median_total DOUBLE PRECISION,
    mean_total DOUBLE PRECISION,
    PRIMARY KEY (run_id, kind)
);

CREATE TABLE run_reliability (
    run_id BIGINT NOT NULL REFERENCES scoring_runs (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    component_code TEXT NOT NULL,
    n INTEGER NOT NULL,
    alpha DOUBLE PRECISION,
    PRIMARY KEY (run_id, component_code)
);

-- ---------------------------------------------------------------------------------------------
CREATE TABLE admin_users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst')),
    created_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
