#!/usr/bin/env python3
"""Build and check data/ibge/minas-gerais.csv (IBGE municipalities of Minas Gerais).

Source: lsbastos/popBR_mun, file poptcu2010-2022new.csv at commit
6f64043fb7ec385af7ba2637abddaffc23d84e8d. Its POP22 column is the IBGE
Censo Demográfico 2022 population ("CD2022_Populacao_Coletada_Imputada_e_Total_
Municipio_e_UF"); its names are the IBGE names of that table.

Usage:
  python3 build.py build [SOURCE]   # SOURCE: local path or URL (default: SOURCE_URL)
  python3 build.py check            # validate the committed CSV only

Standard library only.
"""
import csv
import io
import sys
import urllib.request
from pathlib import Path

SOURCE_URL = ("https://raw.githubusercontent.com/lsbastos/popBR_mun/"
              "6f64043fb7ec385af7ba2637abddaffc23d84e8d/poptcu2010-2022new.csv")
OUT = Path(__file__).with_name("minas-gerais.csv")
UF_CODE = "31"
EXPECTED_ROWS = 853
EXPECTED_TOTAL = 20_538_718  # MG, Censo 2022 (IBGE)
# IBGE codes whose 7th digit does not follow the mod-10 (1,2,1,2,1,2) rule.
KNOWN_DV_EXCEPTIONS = {"3117836", "3152131"}  # Cônego Marinho, Ponto Chique


def check_digit(first6: str) -> int:
    total = 0
    for i, ch in enumerate(first6):
        prod = int(ch) * (1 if i % 2 == 0 else 2)
        total += prod // 10 + prod % 10
    return (10 - total % 10) % 10


def read_source(src: str) -> str:
    if src.startswith(("http://", "https://")):
        with urllib.request.urlopen(src, timeout=60) as resp:
            return resp.read().decode("utf-8")
    return Path(src).read_text(encoding="utf-8")


def build(src: str) -> None:
    reader = csv.DictReader(io.StringIO(read_source(src)))
    rows = []
    for rec in reader:
        if rec["COD. UF"].strip() != UF_CODE:
            continue
        pop = float(rec["POP22"])  # upstream writes some numbers as floats
        if pop != int(pop):
            raise SystemExit(f"non-integer population for {rec['CODMUN7']}: {pop}")
        rows.append((rec["CODMUN7"].strip(), rec["NOME DO MUNICÍPIO"].strip(), int(pop)))
    rows.sort()
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "population"])
        w.writerows(rows)
    print(f"wrote {OUT} ({len(rows)} rows)")


def check() -> None:
    with OUT.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    errors = []
    if header != ["code", "name", "population"]:
        errors.append(f"bad header {header}")
    if len(rows) != EXPECTED_ROWS:
        errors.append(f"{len(rows)} rows, expected {EXPECTED_ROWS}")
    codes = [r[0] for r in rows]
    if len(set(codes)) != len(codes):
        errors.append("duplicate codes")
    if codes != sorted(codes):
        errors.append("not sorted by code")
    dv_fail = []
    total = 0
    for r in rows:
        if len(r) != 3:
            errors.append(f"bad row {r}")
            continue
        code, name, pop = r
        if not (len(code) == 7 and code.isdigit() and code.startswith(UF_CODE)):
            errors.append(f"bad code {code}")
            continue
        if not name.strip() or name != name.strip():
            errors.append(f"bad name for {code}: {name!r}")
        if not pop.isdigit() or int(pop) <= 0:
            errors.append(f"bad population for {code}: {pop!r}")
        else:
            total += int(pop)
        if check_digit(code[:6]) != int(code[6]):
            dv_fail.append(code)
    if set(dv_fail) != KNOWN_DV_EXCEPTIONS:
        errors.append(f"check-digit failures {dv_fail} != known {sorted(KNOWN_DV_EXCEPTIONS)}")
    if total != EXPECTED_TOTAL:
        errors.append(f"total population {total} != {EXPECTED_TOTAL}")
    print(f"rows={len(rows)} total_population={total} check_digit_exceptions={dv_fail}")
    if errors:
        print("FAILED:\n  " + "\n  ".join(errors))
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    if cmd == "build":
        build(sys.argv[2] if len(sys.argv) > 2 else SOURCE_URL)
        check()
    elif cmd == "check":
        check()
    else:
        raise SystemExit(__doc__)
