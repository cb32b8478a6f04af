# R's answers for the survey statistics tests (tests/surveys/statistics/fixtures/).
#
# Regenerate with `make survey-fixtures` (needs Rscript with the survey and jsonlite packages,
# e.g. Debian's r-cran-survey and r-cran-jsonlite). Writes the api data sets as CSV, the
# population totals for post-stratification and raking, generated before/after pairs, and
# answers.json: every case with its design, what to estimate and R's numbers. The test suite
# reads these files and never needs R.
suppressMessages(library(survey))
suppressMessages(library(jsonlite))

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[[1]] else "tests/surveys/statistics/fixtures"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
options(survey.lonely.psu = "fail")
data(api)

write_data <- function(df, name) {
  write.csv(df, file.path(out, paste0(name, ".csv")), row.names = FALSE)
  df
}
apisrs <- write_data(apisrs, "apisrs")
apistrat <- write_data(apistrat, "apistrat")
apiclus1 <- write_data(apiclus1, "apiclus1")
apiclus2 <- write_data(apiclus2, "apiclus2")
# Sampling fractions instead of population sizes, as R also accepts.
apistrat_fractions <- apistrat
apistrat_fractions$fraction <- ave(rep(1, nrow(apistrat)), apistrat$stype, FUN = sum) / apistrat$fpc
apistrat_fractions <- write_data(apistrat_fractions, "apistrat_fractions")
# A stratum with a single PSU: only the first high school kept.
lonely <- apistrat[apistrat$stype != "H" | !duplicated(apistrat$stype), ]
apistrat_lonely <- write_data(lonely, "apistrat_lonely")
# Two-stage with a first-stage stratum holding one PSU (stage 1) for the lonely options.
lonely_clus <- apiclus1[apiclus1$dnum != 637 | !duplicated(apiclus1$dnum), ]
lonely_clus$region <- ifelse(lonely_clus$dnum == 637, "solo", ifelse(lonely_clus$dnum < 400, "west", "east"))
apiclus1_lonely <- write_data(lonely_clus, "apiclus1_lonely")

# A stratified two-stage design: districts in two strata, schools within districts, with the
# district ids restarting in each stratum (so R needs nest=TRUE).
apiclus2_strat <- apiclus2
apiclus2_strat$half <- ifelse(apiclus2$dnum %% 2 == 0, "even", "odd")
apiclus2_strat$fpc1 <- ifelse(apiclus2_strat$half == "even", 380, 377)
apiclus2_strat$district <- as.integer(factor(apiclus2_strat$dnum))
apiclus2_strat$district <- ave(apiclus2_strat$district, apiclus2_strat$half, FUN = function(v) as.integer(factor(v)))
apiclus2_strat <- write_data(apiclus2_strat, "apiclus2_strat")

stype_totals <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
write.csv(stype_totals, file.path(out, "stype_totals.csv"), row.names = FALSE)
sch_wide_totals <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1065, 5129))
write.csv(sch_wide_totals, file.path(out, "sch_wide_totals.csv"), row.names = FALSE)

design_for <- function(spec) {
  df <- get(spec$data)
  ids <- if (length(spec$clusters)) as.formula(paste("~", paste(spec$clusters, collapse = "+"))) else ~1
  args <- list(ids = ids, data = df)
  if (!is.null(spec$weights)) args$weights <- as.formula(paste("~", spec$weights))
  if (!is.null(spec$strata)) args$strata <- as.formula(paste("~", spec$strata))
  if (length(spec$fpc)) args$fpc <- as.formula(paste("~", paste(spec$fpc, collapse = "+")))
  if (isTRUE(spec$nest)) args$nest <- TRUE
  d <- suppressWarnings(do.call(svydesign, args))
  if (!is.null(spec$poststratify)) {
    d <- postStratify(d, as.formula(paste("~", spec$poststratify)), get(paste0(gsub("\\.", "_", spec$poststratify), "_totals")))
  }
  if (length(spec$rake)) {
    d <- rake(d, lapply(spec$rake, function(v) as.formula(paste("~", v))),
              lapply(spec$rake, function(v) get(paste0(gsub("\\.", "_", v), "_totals"))))
  }
  d
}

value_of <- function(d, column) d$variables[[column]]

one <- function(d, statistic, column, value, ci_method) {
  x <- value_of(d, column)
  inset <- weights(d, "sampling") != 0
  has <- !is.na(x) & inset
  f <- as.formula(paste("~", column))
  if (statistic == "mean" || statistic == "total") {
    s <- if (statistic == "mean") svymean(f, d, deff = TRUE, na.rm = TRUE) else svytotal(f, d, deff = TRUE, na.rm = TRUE)
    ci <- confint(s)
    dd <- subset(d, !is.na(x))
    return(list(estimate = unname(coef(s)[1]), se = unname(SE(s)[1]), ci_low = ci[1, 1], ci_high = ci[1, 2],
                df = degf(dd), deff = unname(deff(s)[1]), n = sum(has), weighted_n = sum(weights(d, "sampling")[has])))
  }
  if (statistic == "proportion") {
    g <- as.formula(paste0("~I(", column, " == ", deparse(value), ")"))
    m <- svymean(g, d, deff = TRUE)
    p <- svyciprop(g, d, method = ci_method)
    ci <- attr(p, "ci")
    return(list(estimate = unname(coef(m)[2]), se = unname(SE(m)[2]), ci_low = unname(ci[1]), ci_high = unname(ci[2]),
                df = degf(d), deff = unname(deff(m)[2]), n = sum(has), weighted_n = sum(weights(d, "sampling")[has])))
  }
  q <- svyquantile(f, d, 0.5, na.rm = TRUE)[[1]]
  dd <- subset(d, !is.na(x))
  list(estimate = q[1, "quantile"], se = q[1, "se"], ci_low = q[1, 2], ci_high = q[1, 3],
       df = degf(dd), deff = NULL, n = sum(has), weighted_n = sum(weights(d, "sampling")[has]))
}

answer <- function(spec) {
  if (!is.null(spec$lonely_psu)) options(survey.lonely.psu = spec$lonely_psu)
  on.exit(options(survey.lonely.psu = "fail"))
  result <- tryCatch({
    d <- design_for(spec)
    ci_method <- if (is.null(spec$ci_method)) "logit" else spec$ci_method
    if (is.null(spec$by)) {
      list(c(list(domain = NULL), one(d, spec$statistic, spec$column, spec$value, ci_method)))
    } else {
      b <- value_of(d, spec$by)
      levels <- sort(unique(b[!is.na(b)]))
      lapply(levels, function(level) {
        dl <- d[!is.na(b) & b == level, ]
        c(list(domain = as.character(level)), one(dl, spec$statistic, spec$column, spec$value, ci_method))
      })
    }
  }, error = function(e) list(error = conditionMessage(e)))
  if (!is.null(result$error)) spec$error <- result$error else spec$expected <- result
  spec
}

designs <- list(
  srs = list(data = "apisrs", weights = "pw", fpc = list("fpc")),
  srs_nofpc = list(data = "apisrs", weights = "pw"),
  strat = list(data = "apistrat", weights = "pw", strata = "stype", fpc = list("fpc")),
  strat_fractions = list(data = "apistrat_fractions", strata = "stype", fpc = list("fraction")),
  clus1 = list(data = "apiclus1", weights = "pw", clusters = list("dnum"), fpc = list("fpc")),
  clus1_nofpc = list(data = "apiclus1", weights = "pw", clusters = list("dnum")),
  clus2 = list(data = "apiclus2", clusters = list("dnum", "snum"), fpc = list("fpc1", "fpc2")),
  clus2_weights = list(data = "apiclus2", weights = "pw", clusters = list("dnum", "snum")),
  clus2_weights_fpc = list(data = "apiclus2", weights = "pw", clusters = list("dnum", "snum"), fpc = list("fpc1", "fpc2")),
  clus2_strat = list(data = "apiclus2_strat", strata = "half", clusters = list("district", "snum"), fpc = list("fpc1", "fpc2"), nest = TRUE),
  clus1_fpc_weights = list(data = "apiclus1", clusters = list("dnum"), fpc = list("fpc")),
  poststrat = list(data = "apiclus1", weights = "pw", clusters = list("dnum"), fpc = list("fpc"), poststratify = "stype"),
  poststrat_srs = list(data = "apisrs", weights = "pw", poststratify = "stype"),
  raked = list(data = "apiclus1", weights = "pw", clusters = list("dnum"), fpc = list("fpc"), rake = list("stype", "sch.wide")),
  raked_strat = list(data = "apistrat", weights = "pw", strata = "stype", rake = list("stype", "sch.wide"))
)

questions <- list(
  list(statistic = "mean", column = "api00"),
  list(statistic = "mean", column = "enroll"),
  list(statistic = "total", column = "enroll"),
  list(statistic = "median", column = "api00"),
  list(statistic = "median", column = "ell"),
  list(statistic = "proportion", column = "sch.wide", value = "Yes"),
  list(statistic = "mean", column = "api00", by = "stype"),
  list(statistic = "total", column = "api.stu", by = "awards"),
  list(statistic = "median", column = "api99", by = "stype"),
  list(statistic = "proportion", column = "awards", value = "Yes", by = "stype"),
  list(statistic = "proportion", column = "stype", value = "H", ci_method = "beta"),
  list(statistic = "proportion", column = "sch.wide", value = "No", ci_method = "asin"),
  list(statistic = "proportion", column = "sch.wide", value = "No", ci_method = "likelihood"),
  list(statistic = "proportion", column = "awards", value = "No", ci_method = "beta", by = "stype"),
  list(statistic = "proportion", column = "awards", value = "No", ci_method = "likelihood", by = "stype"),
  list(statistic = "proportion", column = "awards", value = "No", ci_method = "asin", by = "sch.wide")
)

cases <- list()
for (name in names(designs)) {
  for (q in questions) {
    spec <- c(designs[[name]], q, list(design = name))
    cases[[length(cases) + 1]] <- answer(spec)
  }
}
lonely_designs <- list(
  list(data = "apistrat_lonely", weights = "pw", strata = "stype"),
  list(data = "apistrat_lonely", weights = "pw", strata = "stype", fpc = list("fpc")),
  list(data = "apiclus1_lonely", weights = "pw", strata = "region", clusters = list("dnum"))
)
for (ld in lonely_designs) {
  for (option in c("fail", "adjust", "certainty", "average")) {
    for (q in list(list(statistic = "mean", column = "api00"),
                   list(statistic = "total", column = "enroll"),
                   list(statistic = "mean", column = "api00", by = "sch.wide"),
                   list(statistic = "proportion", column = "awards", value = "Yes", ci_method = "beta"))) {
      spec <- c(ld, q, list(design = paste0("lonely_", ld$data, if (length(ld$fpc)) "_fpc" else ""), lonely_psu = option))
      cases[[length(cases) + 1]] <- answer(spec)
    }
  }
}

ttests <- list()
for (name in c("srs", "strat", "clus1", "clus2", "poststrat", "raked")) {
  for (tt in list(list(outcome = "api00", group = "sch.wide"), list(outcome = "enroll", group = "awards"))) {
    spec <- c(designs[[name]], tt, list(design = name))
    d <- design_for(spec)
    r <- svyttest(as.formula(paste(tt$outcome, "~", tt$group)), d)
    spec$expected <- list(estimate = unname(r$estimate), se = unname(r$estimate / r$statistic), t = unname(r$statistic),
                          df = unname(r$parameter), p_value = unname(r$p.value),
                          ci_low = unname(r$conf.int[1]), ci_high = unname(r$conf.int[2]))
    ttests[[length(ttests) + 1]] <- spec
  }
}

set.seed(20261206)
pairs <- list(
  exact = data.frame(before = round(rnorm(20, 50, 10), 2), after = round(rnorm(20, 55, 10), 2)),
  likert_ties = data.frame(before = sample(1:5, 30, TRUE), after = sample(1:5, 30, TRUE, prob = c(1, 1, 2, 3, 3))),
  large = data.frame(before = round(rnorm(80, 10, 2), 3), after = round(rnorm(80, 10.5, 2), 3)),
  small_exact = data.frame(before = c(3.1, 4.2, 2.8, 5.0, 3.9, 4.4), after = c(3.5, 4.0, 3.9, 6.2, 4.8, 5.9))
)
prepost <- list()
for (name in names(pairs)) {
  p <- pairs[[name]]
  write.csv(p, file.path(out, paste0("prepost_", name, ".csv")), row.names = FALSE)
  d <- p$after - p$before
  t <- t.test(p$after, p$before, paired = TRUE)
  w <- suppressWarnings(wilcox.test(p$after, p$before, paired = TRUE))
  n <- nrow(p)
  d_av <- mean(d) / ((sd(p$before) + sd(p$after)) / 2)
  prepost[[name]] <- list(data = paste0("prepost_", name), expected = list(
    n = n, mean_difference = unname(t$estimate), ci_low = t$conf.int[1], ci_high = t$conf.int[2],
    t = unname(t$statistic), df = unname(t$parameter), p_value = t$p.value, d_z = mean(d) / sd(d),
    g_av = d_av * (1 - 3 / (4 * (2 * n) - 9)), wilcoxon_v = unname(w$statistic), wilcoxon_p = w$p.value,
    wilcoxon_method = w$method))
}

writeLines(toJSON(list(r_version = R.version.string, survey_version = as.character(packageVersion("survey")),
                       estimates = cases, ttests = ttests, prepost = prepost),
                  auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
           file.path(out, "answers.json"))
cat("wrote", length(cases), "estimate cases,", length(ttests), "t-tests,", length(prepost), "pre/post sets to", out, "\n")
