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
        "survey_profile",
        include_str!("../../templates/survey_profile.hbs"),
    ),
    (
        "survey_unit",
        include_str!("../../templates/survey_unit.hbs"),
    ),
    (
        "survey_review",
        include_str!("../../templates/survey_review.hbs"),
    ),
];

pub fn registry() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_helper("fluent", Box::new(super::i18n::FluentHelper));
    for (name, text) in TEMPLATES {
        // The templates are part of the binary and covered by tests; a broken one is a bug
        // that must stop the build's tests, so registering failures are logged loudly.
        if let Err(e) = hb.register_template_string(name, *text) {
            tracing::error!(template = name, error = %e, "template does not compile");
        }
    }
    hb
}
