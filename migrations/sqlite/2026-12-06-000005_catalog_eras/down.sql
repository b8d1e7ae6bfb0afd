DROP TABLE cycle_unit_links;
DROP TABLE cycle_kinds;
ALTER TABLE profile_choices DROP COLUMN former_names;
ALTER TABLE units DROP COLUMN valid_to;
ALTER TABLE units DROP COLUMN valid_from;
ALTER TABLE units DROP COLUMN official_code;
ALTER TABLE catalog_profile_choices DROP COLUMN former_names;
ALTER TABLE catalog_profile_questions DROP COLUMN valid_to;
ALTER TABLE catalog_profile_questions DROP COLUMN valid_from;
DROP TABLE catalog_unit_links;

-- Back to one row per code and per PCI sub-index (the first of each).
CREATE TABLE catalog_units_old (
    code TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL REFERENCES catalog_kinds (code),
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);
INSERT INTO catalog_units_old (code, kind, name_vi, name_en, sort_order)
    SELECT code, kind, name_vi, name_en, sort_order FROM catalog_units
    WHERE position IN (SELECT MIN(position) FROM catalog_units GROUP BY code);
CREATE TABLE pci_accountability_old (
    pci_code TEXT PRIMARY KEY NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    pci_weight DOUBLE PRECISION,
    lead_unit_code TEXT NOT NULL REFERENCES catalog_units_old (code),
    ddci_component_codes TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);
INSERT INTO pci_accountability_old
    (pci_code, name_vi, name_en, pci_weight, lead_unit_code, ddci_component_codes, sort_order)
    SELECT pci_code, name_vi, name_en, pci_weight, lead_unit_code, ddci_component_codes, sort_order
    FROM pci_accountability
    WHERE sort_order IN (SELECT MIN(sort_order) FROM pci_accountability GROUP BY pci_code)
      AND lead_unit_code IN (SELECT code FROM catalog_units_old);
DROP TABLE pci_accountability;
DROP TABLE catalog_units;
ALTER TABLE catalog_units_old RENAME TO catalog_units;
ALTER TABLE pci_accountability_old RENAME TO pci_accountability;

ALTER TABLE catalog_kinds DROP COLUMN intro_en;
ALTER TABLE catalog_kinds DROP COLUMN intro_vi;
ALTER TABLE catalog_kinds DROP COLUMN valid_to;
ALTER TABLE catalog_kinds DROP COLUMN valid_from;
ALTER TABLE catalog_kinds DROP COLUMN estimator;
ALTER TABLE catalog_kinds DROP COLUMN min_responses;
