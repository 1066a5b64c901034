#!/usr/bin/env bash
# analysis.multiplicity controls the familywise error rate: a three-arm trial (control and
# two treatments, welch, no effect) over 2,000 replicates, run once per procedure (holm,
# bonferroni, hochberg, holm as a graph, dunnett) with the
# same seed, so every run has the same p-values and only the procedure differs.
#
# The two comparisons share the control arm: their Z statistics are bivariate normal with
# correlation 1/2 (equal arms). Under the null, with c(a) the two-sided normal quantile:
#  - unadjusted, any rejection: P(max |Z_i| > c(alpha)), above alpha and below
#    1 - (1 - alpha)^2 (independence), about 0.091 at alpha 0.05;
#  - Bonferroni and Holm (identical under the global null: each rejects something exactly
#    when min p < alpha / 2): P(max |Z_i| > c(alpha / 2)), about 0.047 <= alpha;
#  - Hochberg: that, or both |Z_i| > c(alpha): about 0.048.
# The expectations are computed below by integrating the bivariate normal (welch's t with
# 58 degrees of freedom is near normal); each rate must lie within 3 MCSE of it, and each
# adjusted FWER must be <= alpha + 3 MCSE. silico report renders the multiplicity section.
source "$(dirname "$0")/lib.sh"
spec="$SILICO_SOURCE_DIR/tests/data/null_three_arm.yaml"
grep -q '^    procedure: holm$' "$spec" || fail "the spec's procedure line changed"
for procedure in holm bonferroni hochberg graphical dunnett; do
  if [ "$procedure" = graphical ]; then
    # Holm as a graph: each passes all of its level to the other once rejected.
    replacement='    procedure: graphical\n    weights: [0.5, 0.5]\n    transitions: [[0, 1], [1, 0]]'
  else
    replacement="    procedure: $procedure"
  fi
  sed "s/^    procedure: holm\$/$replacement/" "$spec" > "$WORK/$procedure.yaml"
  mpi_run 2 run "$WORK/$procedure.yaml" -o "$WORK/$procedure.h5" -q
  "$SILICO" summarize "$WORK/$procedure.h5" --json "$WORK/$procedure.json" > "$WORK/$procedure.txt"
done
grep -q '^multiplicity: hochberg over 2 hypotheses' "$WORK/hochberg.txt" || fail "no multiplicity block in the text"
python3 - "$WORK" <<'PY'
import json, math, sys
work = sys.argv[1]
s = {p: json.load(open(f"{work}/{p}.json"))["multiplicity"] for p in ("holm", "bonferroni", "hochberg", "graphical", "dunnett")}
alpha, r = s["holm"]["alpha"], s["holm"]["replicates"]
assert r == 2000, r

def quantile(p):  # upper p quantile of N(0, 1), by bisection on erfc
    lo, hi = 0.0, 10.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if 0.5 * math.erfc(mid / math.sqrt(2)) > p else (lo, mid)
    return lo

def phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))

RHO = 0.5
def prob(region):  # P((Z1, Z2) in region), region(z1) -> list of (a, b) intervals of z2
    n, lo, hi = 20000, -9.0, 9.0
    h = (hi - lo) / n
    total = 0.0
    s2 = math.sqrt(1 - RHO * RHO)
    for i in range(n + 1):
        z1 = lo + i * h
        w = 1 if i in (0, n) else (4 if i % 2 else 2)
        inner = sum(phi((b - RHO * z1) / s2) - phi((a - RHO * z1) / s2) for a, b in region(z1))
        total += w * inner * math.exp(-z1 * z1 / 2) / math.sqrt(2 * math.pi)
    return total * h / 3

INF = 50.0
def outside(c):  # |z| > c
    return [(-INF, -c), (c, INF)]

def none_beyond(c):  # P(max |Z_i| <= c)
    return prob(lambda z1: [(-c, c)] if abs(z1) <= c else [])

c1, c2 = quantile(alpha / 2), quantile(alpha / 4)
expected_unadjusted = 1 - none_beyond(c1)
expected_bonferroni = 1 - none_beyond(c2)
# Hochberg adds: both |Z_i| in [c1, c2).
band = lambda z1: [(-c2, -c1), (c1, c2)] if c1 <= abs(z1) < c2 else []
expected_hochberg = expected_bonferroni + prob(band)

def mcse(p):
    return math.sqrt(p * (1 - p) / r)

def near(name, got, expected):
    bound = 3 * mcse(expected)
    print(f"{name:34s} {got:.4f}  expected {expected:.4f}  (3 MCSE {bound:.4f})")
    assert abs(got - expected) < bound, (name, got, expected)

h = s["holm"]
assert h["true_nulls"] == 2 and all(x["true_null"] for x in h["hypotheses"]), h
assert [x["name"] for x in h["hypotheses"]] == ["1_y_welch_low", "2_y_welch_high"], h
near("unadjusted any rejection", h["unadjusted_any_rejection_rate"], expected_unadjusted)
assert h["unadjusted_any_rejection_rate"] > alpha + 3 * mcse(alpha), "no inflation without adjustment"
assert h["unadjusted_any_rejection_rate"] < 1 - (1 - alpha) ** 2 + 3 * mcse(1 - (1 - alpha) ** 2)
assert h["unadjusted_fwer"] == h["unadjusted_any_rejection_rate"]  # every hypothesis is a true null
for x in h["hypotheses"]:
    near(f"unadjusted {x['name']}", x["unadjusted_rejection_rate"], alpha)
for p in ("holm", "bonferroni", "graphical"):
    near(f"{p} FWER", s[p]["fwer"], expected_bonferroni)
    assert s[p]["fwer"] <= alpha + 3 * s[p]["fwer_mcse"], (p, s[p]["fwer"])
    assert s[p]["fwer"] == s[p]["any_rejection_rate"]
# Under the global null Holm, Bonferroni and Holm's graph reject something in the same replicates.
assert s["holm"]["fwer"] == s["bonferroni"]["fwer"] == s["graphical"]["fwer"]
# Holm and its graph are the same procedure: the same decisions.
for a, b in zip(s["holm"]["hypotheses"], s["graphical"]["hypotheses"]):
    assert a["rejection_rate"] == b["rejection_rate"], (a, b)
for x in s["bonferroni"]["hypotheses"]:
    near(f"bonferroni {x['name']}", x["rejection_rate"], alpha / 2)
near("hochberg FWER", s["hochberg"]["fwer"], expected_hochberg)
assert s["hochberg"]["fwer"] <= alpha + 3 * s["hochberg"]["fwer_mcse"], s["hochberg"]
assert s["hochberg"]["fwer"] >= s["holm"]["fwer"]  # step-up rejects at least what Holm does
# Dunnett: |z| beyond the many-to-one critical value of the two comparisons (correlation
# 1/2, equal arms; 2.2121 at 0.05), so its FWER is alpha itself in the normal model, and
# it rejects at least what Bonferroni does (a smaller critical value than z_{alpha/4}).
c_dunnett = 2.212127746579
near("dunnett FWER", s["dunnett"]["fwer"], 1 - none_beyond(c_dunnett))
assert abs(1 - none_beyond(c_dunnett) - alpha) < 1e-4, 1 - none_beyond(c_dunnett)  # to the quadrature
assert s["dunnett"]["fwer"] >= s["bonferroni"]["fwer"]
PY
# The report's multiplicity section: each hypothesis with its power after the procedure and
# the FWER, the same numbers as summarize's (3 significant digits).
"$SILICO" report "$WORK/hochberg.h5" -o "$WORK/hochberg.html" --study-patients 200 -q
grep -q "<h3>Multiplicity</h3>" "$WORK/hochberg.html" || fail "no multiplicity section in the report"
python3 - "$WORK/hochberg.json" "$WORK/hochberg.html" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["multiplicity"]
html = open(sys.argv[2]).read()
section = html[html.index("<h3>Multiplicity</h3>"):]
three = lambda x: f"{x:.3g}"
for h in s["hypotheses"]:
    assert f"<td>{h['name']}</td>" in section, h
    assert f'<td class="n">{three(h["rejection_rate"])} &plusmn; ' in section, h
assert f'familywise error rate (over the {s["true_nulls"]} true null hypotheses)</th><td class="n">{three(s["fwer"])} &plusmn; ' in section, s
PY
echo "multiplicity_fwer: ok"
