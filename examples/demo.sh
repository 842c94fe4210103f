#!/bin/sh
# The main job on the shipped sample data, on a fresh SQLite ledger in ./demo/:
# back office opens five accounts (with the education level from the intake), an employer
# and a sector fund send their quarterly files, the read models catch up, and the reports
# and an audit show the result. Each step acts in the role that would run it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p demo
cd demo
rm -f llr.sqlite3 llr.sqlite3-* rejects-*.csv
export LLR_DATABASE=llr.sqlite3
export LLR_ID_KEY="${LLR_ID_KEY:-demo-key-not-for-real-data}"
export LLR_ACTOR=demo

step() { printf '\n### %s\n' "$*"; }

step "llr init (admin)"
LLR_ROLE=admin llr init

step "back office opens accounts with the education level known at intake"
for row in "93051822361 low" "85073003328 high" "90021415865 medium" "01110308747 high"; do
    set -- $row
    LLR_ROLE=backoffice llr open "$1" --status employee --on 2024-09-01 --education "$2"
done

step "an employer's quarterly file: employments, rights, uses and a resignation (every line lands)"
LLR_ROLE=importer:employer:0566988259 llr import "$here/employer-0566988259.csv" \
    --source employer:0566988259 --rejects rejects-employer.csv

step "back office records that one of them changed employer (resigned 1 February, new job 3 February)"
LLR_ROLE=backoffice llr employment start 85073003328 --employer 0202239951 --on 2025-02-03 \
    --joint-committee 200 --fte 0.8
LLR_ROLE=backoffice llr employment list 85073003328 --reason "demo"

step "a sector fund's file, with four bad lines: rejected with line, field and reason"
LLR_ROLE=importer:sector-fund:cevora llr import "$here/sector-fund-cevora.jsonl" \
    --source sector-fund:cevora --rejects rejects-cevora.csv || true
cat rejects-cevora.csv

step "the same file again: nothing changes"
LLR_ROLE=importer:sector-fund:cevora llr import "$here/sector-fund-cevora.jsonl" \
    --source sector-fund:cevora --rejects rejects-again.csv || true

step "read models catch up once after the bulk imports"
LLR_ROLE=admin llr projections run

step "one citizen: balance, and how the VOV hours derive"
LLR_ROLE=backoffice llr balance 93051822361 --as-of 2025-06-01 --reason "demo"
LLR_ROLE=backoffice llr explain 93051822361 vov-hours --reason "demo"

step "what the rights are worth, and what the citizen can call on (and why not)"
LLR_ROLE=backoffice llr balance 93051822361 --value --as-of 2025-06-01 --reason "demo"
LLR_ROLE=backoffice llr eligibility 93051822361 --on 2025-06-01 --reason "demo"

step "take-up by education level: are people with low qualifications reached?"
LLR_ROLE=auditor llr report take-up

step "what expires within a year of 1 June 2025"
LLR_ROLE=auditor llr report expiring --within 365 --as-of 2025-06-01

step "audit: every invariant and every hash chain"
LLR_ROLE=auditor llr audit verify
