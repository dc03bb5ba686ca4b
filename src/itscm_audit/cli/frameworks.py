"""``itscm-audit frameworks``: list, show, validate, export and measure the control catalogues."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from itscm_audit.cli.common import echo_json, handle_errors, json_option

if TYPE_CHECKING:
    from itscm_audit.catalog import CatalogueSet

_workspace_option = click.option(
    "--workspace", "-w", type=click.Path(path_type=Path), default=None, metavar="DIR",
    help="Also load the workspace's own catalogues and crosswalks (catalogues: in DIR/itscm.yaml).")


def _known_rules() -> set[str] | None:
    from itscm_audit.rules import RULES

    return set(RULES) or None


def _load(workspace: Path | None) -> CatalogueSet:
    from itscm_audit.catalog import shipped_catalogue_set

    extra: list[Path] = []
    if workspace is not None:
        from itscm_audit.config import load_config

        extra = [workspace / p for p in load_config(workspace).catalogues]
    return shipped_catalogue_set(extra, _known_rules())


@click.group("frameworks")
def frameworks_group() -> None:
    """Control catalogues, the hub of continuity objectives and the crosswalks between them.

    \b
    Example:
      itscm-audit frameworks list
      itscm-audit frameworks show iso22301
      itscm-audit frameworks coverage
    """


@frameworks_group.command("list")
@_workspace_option
@json_option
@handle_errors
def list_cmd(workspace: Path | None, as_json: bool) -> None:
    """List the frameworks shipped (and, with --workspace, the organisation's own).

    \b
    Example:
      itscm-audit frameworks list --json
    """
    from itscm_audit.coverage import framework_coverage

    cs = _load(workspace)
    rows = [{"id": c.framework.id, "title": c.framework.title, "version": c.framework.version,
             "kind": c.framework.kind, "jurisdiction": c.framework.jurisdiction,
             "requirements": cov.assessable, "unmapped": len(cov.unmapped)}
            for c, cov in zip(cs.catalogues, framework_coverage(cs), strict=True)]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']:<18} {row['kind']:<10} {row['jurisdiction']:<13} {row['requirements']:>3} req.  "
                   f"{row['title']} ({row['version']})")


def _show_rows(cs: CatalogueSet, framework_id: str) -> list[dict[str, Any]]:
    from itscm_audit.coverage import requirement_coverage

    out = []
    for row in requirement_coverage(cs, framework_id):
        req = row.requirement
        out.append({
            "id": req.id, "parent": req.parent, "depth": row.depth, "title": req.title, "summary": req.summary,
            "decided_by": row.decision.value, "covers_whole": row.whole, "verification": req.verification.value,
            "citation": req.citation, "withdrawn": req.withdrawn, "required": req.required,
            "applicability": req.applicability.model_dump(mode="json", exclude_defaults=True)
            if req.applicability else None,
            "mappings": [{"objective": link.objective_id, "relationship": link.relationship.value,
                          "strength": link.strength, "rationale": link.rationale, "uncovered": link.uncovered,
                          "covers": list(link.covers)}
                         for link in row.links],
            "rules": list(row.rules), "evidence_types": list(row.evidence_types),
        })
    return out


@frameworks_group.command("show")
@click.argument("framework_id", metavar="ID")
@_workspace_option
@json_option
@handle_errors
def show_cmd(framework_id: str, workspace: Path | None, as_json: bool) -> None:
    """Show a framework's requirement tree, how each requirement is decided, and its crosswalk rows.

    Each line reads: id, title, [how it is decided; whole/part coverage], then the objectives it maps
    to with the NIST IR 8477 relationship ("requirement RELATIONSHIP objective") and strength; "through"
    names the objective's rules or evidence types the requirement carries status from.

    \b
    Example:
      itscm-audit frameworks show nist-800-53-cp
      itscm-audit frameworks show hipaa --json
    """
    from itscm_audit.errors import UsageError

    cs = _load(workspace)
    if framework_id not in {c.framework.id for c in cs.catalogues}:
        known = ", ".join(c.framework.id for c in cs.catalogues)
        raise UsageError(f"unknown framework {framework_id!r}", hint=f"known: {known}")
    rows = _show_rows(cs, framework_id)
    if as_json:
        meta = cs.catalogue(framework_id).framework.model_dump(mode="json")
        echo_json({"framework": meta, "requirements": rows})
        return
    fw = cs.catalogue(framework_id).framework
    click.echo(f"{fw.title} ({fw.version})")
    for row in rows:
        indent = "  " * (row["depth"] + 1)
        if row["decided_by"] in ("heading", "withdrawn"):
            click.echo(f"{indent}{row['id']}  {row['title']}" + ("  [withdrawn]" if row["withdrawn"] else ""))
            continue
        cover = "whole" if row["covers_whole"] else ("part" if row["mappings"] else "none")
        flag = "" if row["verification"] == "verified" else f", {row['verification'].replace('_', ' ')}"
        click.echo(f"{indent}{row['id']}  {row['title']}  [{row['decided_by']}; covers {cover}{flag}]")
        for m in row["mappings"]:
            rel = m["relationship"].replace("_", " ")
            only = f" through {', '.join(m['covers'])}" if m["covers"] else ""
            click.echo(f"{indent}    -> {m['objective']}{only} ({rel}, strength {m['strength']})")


@frameworks_group.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE...")
@handle_errors
def validate_cmd(files: tuple[Path, ...]) -> None:
    """Check your own catalogue, crosswalk or objectives files against the schema and the shipped catalogues.

    Files given together are checked as one set, so a crosswalk can refer to a catalogue given beside
    it (an imported CISO Assistant library and its crosswalk, say). Any encoding is read. An error
    names the file and the entry (requirement id or "requirement -> objective") and exits 3.

    \b
    Example:
      itscm-audit frameworks validate acme/frameworks/our-policy.yaml
      itscm-audit frameworks validate acme/frameworks/nis2.yaml acme/frameworks/nis2-crosswalk.yaml
    """
    from itscm_audit.catalog import validate_files

    for file, line in zip(dict.fromkeys(files), validate_files(list(files), _known_rules()), strict=True):
        click.echo(f"OK {file}: {line}")


@frameworks_group.command("export")
@click.argument("framework_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["oscal"]), default="oscal", show_default=True,
              help="Output format (OSCAL 1.1 catalog JSON).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Write here instead of standard output.")
@_workspace_option
@handle_errors
def export_cmd(framework_id: str, fmt: str, out: Path | None, workspace: Path | None) -> None:
    """Export a catalogue as an OSCAL catalog (JSON) for GRC tools.

    \b
    Example:
      itscm-audit frameworks export iso22301 --format oscal --out iso22301-catalog.json
    """
    from itscm_audit.errors import UsageError
    from itscm_audit.oscal_catalog import oscal_json, write_oscal_catalog

    cs = _load(workspace)
    if framework_id not in {c.framework.id for c in cs.catalogues}:
        known = ", ".join(c.framework.id for c in cs.catalogues)
        raise UsageError(f"unknown framework {framework_id!r}", hint=f"known: {known}")
    cat = cs.catalogue(framework_id)
    if out is None:
        click.echo(oscal_json(cat), nl=False)
    else:
        write_oscal_catalog(cat, out)
        click.echo(f"OSCAL catalog written to {out}", err=True)


@frameworks_group.command("coverage")
@_workspace_option
@json_option
@handle_errors
def coverage_cmd(workspace: Path | None, as_json: bool) -> None:
    """Per framework: requirements decided by data rules, by evidence, by attestation only, and unmapped.

    \b
    Example:
      itscm-audit frameworks coverage
      itscm-audit frameworks coverage -w acme --json
    """
    from itscm_audit.coverage import framework_coverage

    covs = framework_coverage(_load(workspace))
    if as_json:
        echo_json([{"framework": c.framework, "title": c.title, "version": c.version,
                    "requirements": c.assessable, **c.counts, "unmapped_ids": list(c.unmapped)} for c in covs])
        return
    click.echo(f"{'framework':<18} {'req.':>4} {'data':>5} {'evid.':>5} {'attest.':>7} {'n/a':>4} {'unmapped':>8}")
    for c in covs:
        n = c.counts
        click.echo(f"{c.framework:<18} {c.assessable:>4} {n['data']:>5} {n['evidence']:>5} {n['attestation']:>7} "
                   f"{n['not_assessable']:>4} {n['unmapped']:>8}")
        if c.unmapped:
            click.echo(f"  unmapped: {', '.join(c.unmapped)}")


@frameworks_group.command("import-ciso-assistant")
@click.argument("library", type=click.Path(path_type=Path), metavar="FILE")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, metavar="FILE",
              help="Catalogue YAML to write (list it under catalogues: in itscm.yaml).")
@click.option("--id", "framework_id", default=None, metavar="ID",
              help="Framework id to give the catalogue (default: from the library's URN); must not be taken.")
@_workspace_option
@handle_errors
def import_ciso_cmd(library: Path, out: Path, framework_id: str | None, workspace: Path | None) -> None:
    """Convert a CISO Assistant framework library (YAML in any encoding, or its .xlsx workbook) into a catalogue.

    Ref ids stay the requirement ids (the node id from the URN only where the library has none, and
    the command says so), with full descriptions, annotations as guidance, URNs and translations, so
    export-ciso-assistant gives the library back. Map its requirements to the hub objectives with
    your own crosswalk file to assess them.

    \b
    Example:
      itscm-audit frameworks import-ciso-assistant nis2.yaml --out acme/frameworks/nis2.yaml
      itscm-audit frameworks import-ciso-assistant dora.yaml --id dora-ca --out acme/frameworks/dora-ca.yaml
    """
    from itscm_audit.ciso_assistant import import_library, write_catalogue
    from itscm_audit.errors import UsageError

    imported = import_library(library, framework_id)
    cat = imported.catalogue
    taken = {c.framework.id for c in _load(workspace).catalogues}
    if cat.framework.id in taken:
        raise UsageError(f"framework id {cat.framework.id!r} is already taken by a catalogue in use",
                         location=str(library), hint=f"choose another with --id, e.g. --id {cat.framework.id}-ca")
    for note in imported.notes:
        click.echo(f"note: {note}", err=True)
    write_catalogue(cat, out)
    click.echo(f"Catalogue {cat.framework.id} ({len(cat.requirements)} requirements) written to {out}")


@frameworks_group.command("export-ciso-assistant")
@click.argument("framework_ids", nargs=-1, metavar="[ID...]")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, metavar="DIR",
              help="Folder for the library files.")
@_workspace_option
@handle_errors
def export_ciso_cmd(framework_ids: tuple[str, ...], out: Path, workspace: Path | None) -> None:
    """Write catalogues and their crosswalks as CISO Assistant libraries (YAML) that CISO Assistant can load.

    Writes the hub objectives (itscm-audit-objectives.yaml), then per catalogue its framework library
    (ID.yaml: an imported library comes back with its own URNs and ids) and its crosswalk as a mapping
    library (mapping-ID-and-itscm-audit-objectives.yaml: requirement_mapping_sets with the NIST IR 8477
    relationship, rationale and strength). Without ID, every catalogue.

    \b
    Example:
      itscm-audit frameworks export-ciso-assistant iso22301 dora --out ca-libraries
      itscm-audit frameworks export-ciso-assistant nis2 -w acme --out ca-libraries
    """
    from itscm_audit.ciso_assistant import export_libraries
    from itscm_audit.errors import UsageError

    cs = _load(workspace)
    known = [c.framework.id for c in cs.catalogues]
    unknown = [f for f in framework_ids if f not in known]
    if unknown:
        raise UsageError(f"unknown framework {unknown[0]!r}", hint=f"known: {', '.join(known)}")
    for path in export_libraries(cs, list(dict.fromkeys(framework_ids)) or known, out):
        click.echo(f"written {path}")
