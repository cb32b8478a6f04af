"""Nothing of the information sharing gateway is registered in the Django admin.

Protocols, briefing products, their attachments and their access records are partnership and
marked material: the admin serves site administrators, who have no access to either
(architecture.md, "Site administrators"). A test checks that no `sharing` model is registered.
"""
