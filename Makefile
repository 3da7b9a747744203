# Shortcuts; the scripts do the work.
.PHONY: run test bench bench-lists bench-write bench-pages bench-dunning bench-bank

run:
	scripts/run

test:
	scripts/test

# N=50000 make bench for a quick run; the default loads 1,000,000 installments per database.
# REUSE=1 times the databases a previous `make bench KEEP=1` left, without loading them again.
bench:
	.venv/bin/python bench/run.py --installments $${N:-1000000} $${KEEP:+--keep} $${REUSE:+--reuse}

# The lists through HTTP (gunicorn on loopback, token sign-in), p50/p95 per list, filter and page.
# BENCH_DB names the bench databases; N=50000 for a quick run; REUSE=1 times the databases a
# previous `make bench KEEP=1` or `bench/lists.py --keep` left.
bench-lists:
	.venv/bin/python bench/lists.py --installments $${N:-1000000} $${REUSE:+--reuse}

# The write path through the services: one contract from signing to its first payment, per database.
bench-write:
	.venv/bin/python bench/write_path.py --contracts $${N:-500}

# The workbench pages through HTTP (gunicorn on loopback, session sign-in), p50/p95 per page.
bench-pages:
	.venv/bin/python bench/pages.py --installments $${N:-1000000} $${REUSE:+--reuse}

# The daily dunning run over the large book: the first run (every step ever due), five daily runs
# and a dry run, beside one hand-written INSERT … SELECT; N=50000 for a quick run.
bench-dunning:
	.venv/bin/python bench/dunning.py --installments $${N:-1000000} $${REUSE:+--reuse}

bench-bank:
	.venv/bin/python bench/bank.py --installments $${N:-1000000} --lines $${LINES:-100000}
