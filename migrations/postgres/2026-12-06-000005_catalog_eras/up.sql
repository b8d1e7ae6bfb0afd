-- One catalog across eras (issue 11): validity years, official codes, unit succession, per-kind
-- settings, and the cycle's own copies of them.

ALTER TABLE catalog_kinds ADD COLUMN min_responses INTEGER;
ALTER TABLE catalog_kinds ADD COLUMN estimator TEXT NOT NULL DEFAULT 'direct';
ALTER TABLE catalog_kinds ADD COLUMN valid_from INTEGER;
ALTER TABLE catalog_kinds ADD COLUMN valid_to INTEGER;
ALTER TABLE catalog_kinds ADD COLUMN intro_vi TEXT NOT NULL DEFAULT '';
ALTER TABLE catalog_kinds ADD COLUMN intro_en TEXT NOT NULL DEFAULT '';

-- A unit code may now have several rows (one per period), and a PCI sub-index several lead
-- agencies per period: both tables get a row number as key.
CREATE TABLE pci_accountability_new (
    sort_order INTEGER PRIMARY KEY NOT NULL,
    pci_code TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    pci_weight DOUBLE PRECISION,
    lead_unit_code TEXT NOT NULL,
    ddci_component_codes TEXT NOT NULL,
    valid_from INTEGER,
    valid_to INTEGER
);
INSERT INTO pci_accountability_new
    (sort_order, pci_code, name_vi, name_en, pci_weight, lead_unit_code, ddci_component_codes)
    SELECT sort_order, pci_code, name_vi, name_en, pci_weight, lead_unit_code, ddci_component_codes
    FROM pci_accountability;
DROP TABLE pci_accountability;
ALTER TABLE pci_accountability_new RENAME TO pci_accountability;

CREATE TABLE catalog_units_new (
    position INTEGER PRIMARY KEY NOT NULL,
    code TEXT NOT NULL,
    kind TEXT NOT NULL REFERENCES catalog_kinds (code),
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    valid_from INTEGER,
    valid_to INTEGER,
    official_code TEXT
);
INSERT INTO catalog_units_new (position, code, kind, name_vi, name_en, sort_order)
    SELECT row_number() OVER (ORDER BY kind, sort_order, code), code, kind, name_vi, name_en, sort_order
    FROM catalog_units;
DROP TABLE catalog_units;
ALTER TABLE catalog_units_new RENAME TO catalog_units;

CREATE TABLE catalog_unit_links (
    unit_code TEXT NOT NULL,
    predecessor_code TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('renamed', 'merged', 'split_from', 'territory')),
    note TEXT NOT NULL,
    PRIMARY KEY (unit_code, predecessor_code)
);

ALTER TABLE catalog_profile_questions ADD COLUMN valid_from INTEGER;
ALTER TABLE catalog_profile_questions ADD COLUMN valid_to INTEGER;
ALTER TABLE catalog_profile_choices ADD COLUMN former_names TEXT NOT NULL DEFAULT '';

-- The cycle's copies.
ALTER TABLE units ADD COLUMN official_code TEXT;
ALTER TABLE units ADD COLUMN valid_from INTEGER;
ALTER TABLE units ADD COLUMN valid_to INTEGER;
ALTER TABLE profile_choices ADD COLUMN former_names TEXT NOT NULL DEFAULT '';

CREATE TABLE cycle_kinds (
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    code TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    min_responses INTEGER,
    estimator TEXT NOT NULL CHECK (estimator IN ('direct', 'shrunk')),
    valid_from INTEGER,
    valid_to INTEGER,
    intro_vi TEXT NOT NULL,
    intro_en TEXT NOT NULL,
    PRIMARY KEY (cycle_id, code)
);

-- A cycle's unit links, with the predecessors' names (they are not units of the cycle).
CREATE TABLE cycle_unit_links (
    cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    unit_code TEXT NOT NULL,
    predecessor_code TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('renamed', 'merged', 'split_from', 'territory')),
    note TEXT NOT NULL,
    predecessor_name_vi TEXT NOT NULL,
    predecessor_name_en TEXT NOT NULL,
    PRIMARY KEY (cycle_id, unit_code, predecessor_code)
);
