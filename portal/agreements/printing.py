"""Bulk printing: one ZIP of contract PDFs or one merged PDF, built by a background job with progress."""
import io
import logging
import os
import uuid
import zipfile

from flask import current_app, render_template

from .. import clock, pdf, tasks
from ..db import database
from ..models import Agreement, AgreementItem, PrintJob
from . import grading

log = logging.getLogger(__name__)
PRINT_JOB = "agreements.print"
PRERENDER_JOB = "agreements.prerender"


def start(user, kind, agreement_ids, title):
    """Record the job (the list is fixed and scoped now) and hand it to the worker."""
    job = PrintJob.start(user, kind, title, agreement_ids, total=len(agreement_ids))
    tasks.launch(PRINT_JOB, job.id)
    return job


def _folder():
    folder = os.path.join(current_app.instance_path, "exports")
    os.makedirs(folder, exist_ok=True)
    return folder


def path_of(job):
    return os.path.join(_folder(), job.filename)


def download_name(job):
    return f"{job.title}.{job.kind}"


def contract_context(agreement):
    items = list(agreement.items.order_by(AgreementItem.seq))
    return {"a": agreement, "items": items, "base_points": grading.base_points(items)}


def prerender(agreement):
    """Render a signed agreement's contract into the PDF cache in the background, so whoever prints it
    next (the unit, office, a bulk print) is served the file at once instead of waiting for WeasyPrint."""
    tasks.launch(PRERENDER_JOB, agreement.id)


@tasks.handler(PRERENDER_JOB)
def _prerender(agreement_id):
    agreement = Agreement.get_or_none(Agreement.id == agreement_id)
    if agreement is not None:
        pdf.render("agreements/pdf/contract.html", **contract_context(agreement))


def _progress(job, done):
    PrintJob.update(done=done).where(PrintJob.id == job.id).execute()


@tasks.handler(PRINT_JOB)
def build(job_id):
    """Render every agreement of the job, reporting progress; a failure is recorded on the job."""
    job = PrintJob.get_by_id(job_id)
    PrintJob.update(state="running").where(PrintJob.id == job.id).execute()
    filename = f"{job.id}-{uuid.uuid4().hex}.{job.kind}"
    try:
        agreements = [Agreement.get_by_id(i) for i in job.spec]
        if job.kind == "zip":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for n, agreement in enumerate(agreements, start=1):
                    data = pdf.render("agreements/pdf/contract.html", **contract_context(agreement))
                    archive.writestr(f"{n:03d}-{agreement.party_b}.pdf", data)
                    _progress(job, n)
            data = buffer.getvalue()
        else:
            documents = []
            for n, agreement in enumerate(agreements, start=1):
                documents.append(pdf.document(render_template("agreements/pdf/contract.html",
                                                              **contract_context(agreement))))
                _progress(job, n)
            data = pdf.combine(documents)
        with open(os.path.join(_folder(), filename), "wb") as fh:
            fh.write(data)
    except Exception as exc:  # reported on the job page, never swallowed
        log.exception("print job %s failed", job.id)
        with database.atomic():
            PrintJob.update(state="failed", error=f"{type(exc).__name__}: {exc}"[:2000],
                            finished_at=clock.now()).where(PrintJob.id == job.id).execute()
        return
    PrintJob.update(state="done", filename=filename, done=len(agreements),
                    finished_at=clock.now()).where(PrintJob.id == job.id).execute()
