//! Handlebars templates compiled into the binary, in strict mode so a missing value is an
//! error in tests rather than an empty spot on a page.

use handlebars::Handlebars;

const TEMPLATES: &[(&str, &str)] = &[
    ("layout", include_str!("../../templates/layout.hbs")),
    ("landing", include_str!("../../templates/landing.hbs")),
    (
        "survey_code",
        include_str!("../../templates/survey_code.hbs"),
    ),
    ("message", include_str!("../../templates/message.hbs")),
    (
        "results_index",
        include_str!("../../templates/results_index.hbs"),
    ),
    (
        "results_ranking",
        include_str!("../../templates/results_ranking.hbs"),
    ),
    (
        "results_what_if",
        include_str!("../../templates/results_what_if.hbs"),
    ),
    (
        "survey_profile",
        include_str!("../../templates/survey_profile.hbs"),
    ),
    (
        "survey_unit",
        include_str!("../../templates/survey_unit.hbs"),
    ),
    (
        "survey_skip",
        include_str!("../../templates/survey_skip.hbs"),
    ),
    (
        "survey_orientation",
        include_str!("../../templates/survey_orientation.hbs"),
    ),
    (
        "survey_review",
        include_str!("../../templates/survey_review.hbs"),
    ),
    ("admin_nav", include_str!("../../templates/admin_nav.hbs")),
    (
        "admin_login",
        include_str!("../../templates/admin_login.hbs"),
    ),
    (
        "admin_outcome",
        include_str!("../../templates/admin_outcome.hbs"),
    ),
    (
        "admin_confirm",
        include_str!("../../templates/admin_confirm.hbs"),
    ),
    (
        "admin_dashboard",
        include_str!("../../templates/admin_dashboard.hbs"),
    ),
    (
        "admin_cycle",
        include_str!("../../templates/admin_cycle.hbs"),
    ),
    ("admin_run", include_str!("../../templates/admin_run.hbs")),
    (
        "admin_comments",
        include_str!("../../templates/admin_comments.hbs"),
    ),
    (
        "admin_comments_unit",
        include_str!("../../templates/admin_comments_unit.hbs"),
    ),
    (
        "admin_contacts",
        include_str!("../../templates/admin_contacts.hbs"),
    ),
    (
        "admin_audit",
        include_str!("../../templates/admin_audit.hbs"),
    ),
    (
        "admin_users",
        include_str!("../../templates/admin_users.hbs"),
    ),
    (
        "results_unit",
        include_str!("../../templates/results_unit.hbs"),
    ),
    (
        "results_pci",
        include_str!("../../templates/results_pci.hbs"),
    ),
    ("method", include_str!("../../templates/method.hbs")),
];

pub fn registry() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_helper("fluent", Box::new(super::i18n::FluentHelper));
    hb.register_helper("num", Box::new(super::i18n::NumberHelper));
    hb.register_helper("time", Box::new(super::i18n::TimeHelper));
    for (name, text) in TEMPLATES {
        // The templates are part of the binary and covered by tests; a broken one is a bug
        // that must stop the build's tests, so registering failures are logged loudly.
        if let Err(e) = hb.register_template_string(name, *text) {
            tracing::error!(template = name, error = %e, "template does not compile");
        }
    }
    hb
}
