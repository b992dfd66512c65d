from nguon.feedback.tests.fixtures import approver, handler, outsider

__all__ = ["approver", "handler", "outsider"]
