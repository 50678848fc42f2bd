"""Splink side by side for organizations (used by `npm run bench resolve -- --splink`).

Reads a CSV of organization mentions (unique_id, name, credit_code, address, phone,
legal_rep), lightly cleaned by the bench, dedupes it with Splink on DuckDB (u by random
sampling, m by EM on two blocking rules, connected components at 0.9), and writes
unique_id,cluster_id to the output CSV. Prints its own wall time.
"""
import csv
import sys
import time

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def main(inp: str, out: str, threshold: float) -> None:
    t0 = time.time()
    db = DuckDBAPI()
    df = db.register_from_csv(inp)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.95, 0.88]).configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("credit_code", [1, 2]),
            cl.JaroWinklerAtThresholds("address", [0.9]),
            cl.ExactMatch("phone"),
            cl.ExactMatch("legal_rep"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("credit_code"),
            block_on("substr(name, 1, 4)"),
            # the same name behind a two-character region prefix (兰州华宇… / 甘肃华宇…)
            block_on("substr(name, 3, 4)"),
            block_on("phone"),
            block_on("address"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(df, settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("credit_code"), block_on("name")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=42)
    for rule in ("credit_code", "name"):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(rule))
        except ValueError as e:  # Splink 5 refuses an m that underflows to 0 on some data
            print(f"splink: EM session blocked on {rule} failed ({e}); keeping the other estimates", file=sys.stderr)
    pred = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold)
    rows = clusters.as_record_list()
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["unique_id", "cluster_id"])
        for r in rows:
            w.writerow([r["unique_id"], r["cluster_id"]])
    print(f"splink {len(rows)} records in {time.time() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 0.9)
