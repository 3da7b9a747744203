# Shortcuts; the scripts do the work.
.PHONY: run test bench

run:
	scripts/run

test:
	scripts/test

# N=50000 make bench for a quick run; the default loads 1,000,000 installments per database.
bench:
	.venv/bin/python bench/run.py --installments $${N:-1000000}
