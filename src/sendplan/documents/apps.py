from django.apps import AppConfig
from django.db.models.signals import post_delete


class DocumentsConfig(AppConfig):
    name = "sendplan.documents"

    def ready(self) -> None:
        from sendplan.documents.held import held_file_forget
        from sendplan.documents.models import Document, HeldFile
        from sendplan.documents.services import stored_file_forget

        # However a row goes (one document deleted, or a learner's record erased with all of
        # it), its file goes too, once the deletion is committed.
        post_delete.connect(stored_file_forget, sender=Document, dispatch_uid="documents-files")
        post_delete.connect(held_file_forget, sender=HeldFile, dispatch_uid="documents-held")
