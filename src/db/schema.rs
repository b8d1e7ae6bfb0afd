//! Diesel table definitions, written to match both migration folders (`migrations/sqlite` and
//! `migrations/postgres`); `tests/app/schema_drift.rs` checks every column against the live
//! schema.
// @generated-style file kept by hand: diesel's print-schema cannot describe two backends at once.

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    catalog_kinds (code) {
        code -> Text,
        name_vi -> Text,
        name_en -> Text,
        sort_order -> Integer,
        min_responses -> Nullable<Integer>,
        estimator -> Text,
        valid_from -> Nullable<Integer>,
        valid_to -> Nullable<Integer>,
        intro_vi -> Text,
        intro_en -> Text,
    }
}

diesel::table! {
    catalog_units (position) {
        position -> Integer,
        code -> Text,
        kind -> Text,
        name_vi -> Text,
        name_en -> Text,
        sort_order -> Integer,
        valid_from -> Nullable<Integer>,
        valid_to -> Nullable<Integer>,
        official_code -> Nullable<Text>,
    }
}

diesel::table! {
    catalog_unit_links (unit_code, predecessor_code) {
        unit_code -> Text,
        predecessor_code -> Text,
        relation -> Text,
        note -> Text,
    }
}

diesel::table! {
    catalog_components (code) {
        code -> Text,
        kind -> Text,
        name_vi -> Text,
        name_en -> Text,
        weight -> Double,
        sort_order -> Integer,
    }
}

diesel::table! {
    catalog_indicators (code) {
        code -> Text,
        component_code -> Text,
        question_type -> Text,
        aggregate -> Text,
        direction -> Text,
        weight -> Double,
        scale -> Text,
        text_vi -> Text,
        text_en -> Text,
        unit_vi -> Text,
        unit_en -> Text,
        dont_know -> Bool,
        sort_order -> Integer,
    }
}

diesel::table! {
    catalog_profile_questions (code) {
        code -> Text,
        question_type -> Text,
        text_vi -> Text,
        text_en -> Text,
        sort_order -> Integer,
        valid_from -> Nullable<Integer>,
        valid_to -> Nullable<Integer>,
    }
}

diesel::table! {
    catalog_profile_choices (question_code, code) {
        question_code -> Text,
        code -> Text,
        label_vi -> Text,
        label_en -> Text,
        sort_order -> Integer,
        former_names -> Text,
    }
}

diesel::table! {
    catalog_groups (position) {
        position -> Integer,
        label_vi -> Text,
        label_en -> Text,
        min_total -> Nullable<Double>,
    }
}

diesel::table! {
    pci_accountability (sort_order) {
        sort_order -> Integer,
        pci_code -> Text,
        name_vi -> Text,
        name_en -> Text,
        pci_weight -> Nullable<Double>,
        lead_unit_code -> Text,
        ddci_component_codes -> Text,
        valid_from -> Nullable<Integer>,
        valid_to -> Nullable<Integer>,
    }
}

diesel::table! {
    cycles (id) {
        id -> BigInt,
        year -> Integer,
        status -> Text,
        min_responses -> Integer,
        pool_years -> Integer,
        bootstrap_replicates -> Integer,
        bootstrap_seed -> BigInt,
        groups_json -> Text,
        closes_on -> Nullable<Text>,
        created_at -> Text,
        published_run_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    units (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        code -> Text,
        kind -> Text,
        kind_name_vi -> Text,
        kind_name_en -> Text,
        name_vi -> Text,
        name_en -> Text,
        sort_order -> Integer,
        official_code -> Nullable<Text>,
        valid_from -> Nullable<Integer>,
        valid_to -> Nullable<Integer>,
    }
}

diesel::table! {
    cycle_kinds (cycle_id, code) {
        cycle_id -> BigInt,
        code -> Text,
        name_vi -> Text,
        name_en -> Text,
        sort_order -> Integer,
        min_responses -> Nullable<Integer>,
        estimator -> Text,
        valid_from -> Nullable<Integer>,
        valid_to -> Nullable<Integer>,
        intro_vi -> Text,
        intro_en -> Text,
    }
}

diesel::table! {
    cycle_unit_links (cycle_id, unit_code, predecessor_code) {
        cycle_id -> BigInt,
        unit_code -> Text,
        predecessor_code -> Text,
        relation -> Text,
        note -> Text,
        predecessor_name_vi -> Text,
        predecessor_name_en -> Text,
    }
}

diesel::table! {
    components (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        code -> Text,
        kind -> Text,
        name_vi -> Text,
        name_en -> Text,
        weight -> Double,
        sort_order -> Integer,
    }
}

diesel::table! {
    indicators (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        component_id -> BigInt,
        code -> Text,
        question_type -> Text,
        aggregate -> Text,
        direction -> Text,
        weight -> Double,
        scale -> Text,
        text_vi -> Text,
        text_en -> Text,
        unit_vi -> Text,
        unit_en -> Text,
        dont_know -> Bool,
        sort_order -> Integer,
    }
}

diesel::table! {
    profile_questions (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        code -> Text,
        question_type -> Text,
        text_vi -> Text,
        text_en -> Text,
        sort_order -> Integer,
    }
}

diesel::table! {
    profile_choices (id) {
        id -> BigInt,
        profile_question_id -> BigInt,
        code -> Text,
        label_vi -> Text,
        label_en -> Text,
        sort_order -> Integer,
        former_names -> Text,
    }
}

diesel::table! {
    invitations (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        code_hash -> Text,
        label -> Nullable<Text>,
        status -> Text,
        created_on -> Text,
    }
}

diesel::table! {
    drafts (invitation_id) {
        invitation_id -> BigInt,
        sealed -> Binary,
        updated_at -> Text,
    }
}

diesel::table! {
    pending_responses (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        sealed -> Binary,
    }
}

diesel::table! {
    responses (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        response_key -> Text,
        weight -> Double,
        channel -> Text,
        submitted_on -> Text,
    }
}

diesel::table! {
    response_profiles (response_id, question_code) {
        response_id -> BigInt,
        question_code -> Text,
        value -> Text,
    }
}

diesel::table! {
    answers (response_id, unit_id, indicator_id) {
        response_id -> BigInt,
        unit_id -> BigInt,
        indicator_id -> BigInt,
        value -> Nullable<Double>,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        unit_id -> BigInt,
        body -> Text,
        submitted_on -> Text,
    }
}

diesel::table! {
    scoring_runs (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        created_at -> Text,
        min_responses -> Integer,
        pool_years -> Integer,
        bootstrap_replicates -> Integer,
        bootstrap_seed -> BigInt,
        groups_json -> Text,
        pooled_cycles -> Text,
        engine_version -> Text,
        warnings_json -> Text,
        kinds_json -> Text,
        intervals -> Text,
    }
}

diesel::table! {
    run_scores (run_id, unit_code) {
        run_id -> BigInt,
        unit_code -> Text,
        kind -> Text,
        responses -> Integer,
        ranked -> Bool,
        total -> Nullable<Double>,
        rank -> Nullable<Integer>,
        group_vi -> Nullable<Text>,
        group_en -> Nullable<Text>,
        total_ci_low -> Nullable<Double>,
        total_ci_high -> Nullable<Double>,
        rank_ci_low -> Nullable<Integer>,
        rank_ci_high -> Nullable<Integer>,
        total_change -> Nullable<Double>,
        rank_change -> Nullable<Integer>,
        missing_components -> Text,
        change_basis -> Nullable<Text>,
        count_only -> Bool,
        total_change_ci_low -> Nullable<Double>,
        total_change_ci_high -> Nullable<Double>,
        change_significant -> Nullable<Bool>,
        rank_sensitivity_low -> Nullable<Integer>,
        rank_sensitivity_high -> Nullable<Integer>,
    }
}

diesel::table! {
    run_responses (run_id, response_id) {
        run_id -> BigInt,
        response_id -> BigInt,
    }
}

diesel::table! {
    run_replicates (run_id, unit_code) {
        run_id -> BigInt,
        unit_code -> Text,
        totals -> Binary,
    }
}

diesel::table! {
    run_indicator_scores (run_id, unit_code, indicator_code) {
        run_id -> BigInt,
        unit_code -> Text,
        indicator_code -> Text,
        n -> Integer,
        raw_value -> Nullable<Double>,
        ci_low -> Nullable<Double>,
        ci_high -> Nullable<Double>,
        pool_min -> Nullable<Double>,
        pool_max -> Nullable<Double>,
        score -> Nullable<Double>,
        weight_sum -> Nullable<Double>,
        weight_sq_sum -> Nullable<Double>,
        within_ss -> Nullable<Double>,
        estimate -> Nullable<Double>,
        shrinkage -> Nullable<Double>,
    }
}

diesel::table! {
    run_component_scores (run_id, unit_code, component_code) {
        run_id -> BigInt,
        unit_code -> Text,
        component_code -> Text,
        score -> Nullable<Double>,
    }
}

diesel::table! {
    run_summaries (run_id, kind) {
        run_id -> BigInt,
        kind -> Text,
        ranked_units -> Integer,
        median_total -> Nullable<Double>,
        mean_total -> Nullable<Double>,
    }
}

diesel::table! {
    run_reliability (run_id, component_code) {
        run_id -> BigInt,
        kind -> Text,
        component_code -> Text,
        n -> Integer,
        alpha -> Nullable<Double>,
    }
}

diesel::table! {
    run_shrinkage (run_id, indicator_code) {
        run_id -> BigInt,
        kind -> Text,
        indicator_code -> Text,
        m -> Integer,
        mu -> Double,
        sigma2 -> Double,
        tau2 -> Double,
    }
}

diesel::table! {
    admin_users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Text,
        disabled_at -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Text,
        actor -> Text,
        action -> Text,
        detail -> Text,
    }
}

diesel::table! {
    admin_sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        expires_at -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    cycles,
    units,
    components,
    indicators,
    profile_questions,
    profile_choices,
    responses,
    answers,
    response_profiles,
    invitations,
    drafts,
    pending_responses,
    scoring_runs,
    run_scores,
    run_indicator_scores,
    run_component_scores,
);

diesel::joinable!(catalog_indicators -> catalog_components (component_code));
diesel::joinable!(indicators -> components (component_id));
diesel::joinable!(answers -> responses (response_id));
diesel::joinable!(answers -> units (unit_id));
diesel::joinable!(answers -> indicators (indicator_id));
diesel::joinable!(units -> cycles (cycle_id));
diesel::joinable!(responses -> cycles (cycle_id));
diesel::joinable!(profile_choices -> profile_questions (profile_question_id));
diesel::joinable!(run_scores -> scoring_runs (run_id));

diesel::allow_tables_to_appear_in_same_query!(catalog_indicators, catalog_components);

diesel::table! {
    evaluations (response_id, unit_id) {
        response_id -> BigInt,
        unit_id -> BigInt,
        packed -> Binary,
    }
}

diesel::joinable!(evaluations -> responses (response_id));
diesel::allow_tables_to_appear_in_same_query!(evaluations, responses);

diesel::table! {
    submissions (invitation_id) {
        invitation_id -> BigInt,
    }
}

diesel::joinable!(admin_sessions -> admin_users (user_id));
diesel::allow_tables_to_appear_in_same_query!(admin_sessions, admin_users);
diesel::allow_tables_to_appear_in_same_query!(evaluations, units);
diesel::allow_tables_to_appear_in_same_query!(comments, units);

diesel::table! {
    comment_reviews (comment_id) {
        comment_id -> BigInt,
        fit -> Bool,
        reviewed_at -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(comment_reviews, comments);
diesel::allow_tables_to_appear_in_same_query!(comment_reviews, units);

diesel::table! {
    contacts (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        invitation_id -> BigInt,
        email -> Nullable<Text>,
        label -> Nullable<Text>,
        status -> Text,
        reminder_status -> Nullable<Text>,
        reminders -> Integer,
        last_error -> Nullable<Text>,
        created_at -> Text,
        sent_at -> Nullable<Text>,
        reminded_at -> Nullable<Text>,
        purged_at -> Nullable<Text>,
    }
}

diesel::joinable!(contacts -> invitations (invitation_id));
diesel::allow_tables_to_appear_in_same_query!(contacts, invitations);
