//! `GET /api/v1/cycles/{year}/what-if?w[COMPONENT_CODE]=NUMBER…`: a published cycle's totals,
//! ranks and groups recomputed by METHODOLOGY §5 from its published component scores with
//! other component weights. Omitted components keep their published weights.

use super::{ApiError, AppState};
use crate::results::what_if;
use crate::web::results::{published_run, query_pairs};
use actix_web::{http::StatusCode, web, HttpRequest, HttpResponse};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize, utoipa::ToSchema)]
pub struct WhatIf {
    pub year: i32,
    /// The weight of every component used (published unless given).
    pub weights: BTreeMap<String, f64>,
    pub units: Vec<WhatIfUnitOut>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct WhatIfUnitOut {
    pub unit_code: String,
    pub kind: String,
    /// §5 total under these weights; null when no component with a positive weight has a score.
    pub total: Option<f64>,
    /// Rank among the kind's units with a total (ties share a rank).
    pub rank: Option<u32>,
    /// The group's Vietnamese label.
    pub group: Option<String>,
    pub published_total: Option<f64>,
    pub published_rank: Option<u32>,
}

/// Totals, ranks and groups of a published cycle under other component weights.
#[utoipa::path(
    get,
    path = "/api/v1/cycles/{year}/what-if",
    params(
        ("year" = i32, Path, description = "Survey year of a published cycle, e.g. 2024"),
        ("w" = Option<BTreeMap<String, f64>>, Query, style = DeepObject, explode,
         description = "Component weights by component code, e.g. `w[DEPC_TRANSPARENCY]=2`; each ≥ 0; omitted components keep their published weight"),
    ),
    responses(
        (status = 200, description = "Every unit with component scores, by kind and rank", body = WhatIf),
        (status = 404, description = "No published cycle for this year", body = ApiError),
        (status = 422, description = "A weight is not a number, is negative, or names no component; one error per field", body = ApiError),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn what_if(
    state: web::Data<AppState>,
    req: HttpRequest,
    year: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let year = year.into_inner();
    let loaded = published_run(&state, year)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_survey",
                format!("there are no published {year} results"),
            )
        })?;
    let overrides = what_if::overrides(&query_pairs(&req));
    let (weights, units) = what_if::compute(&loaded, &overrides).map_err(|errors| {
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "some weights cannot be used",
        );
        e.errors = errors
            .into_iter()
            .map(|w| crate::survey::submission::FieldError {
                field: w.field,
                message: w.message,
            })
            .collect();
        e
    })?;
    let units = (units.into_iter())
        .map(|u| {
            let published = what_if::published(&loaded, &u.unit_code);
            WhatIfUnitOut {
                group: (u.group)
                    .and_then(|g| loaded.config.groups.get(g))
                    .map(|g| g.label_vi.clone()),
                published_total: published.and_then(|s| s.total),
                published_rank: published.and_then(|s| s.rank),
                unit_code: u.unit_code,
                kind: u.kind,
                total: u.total,
                rank: u.rank,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(WhatIf {
        year,
        weights,
        units,
    }))
}
