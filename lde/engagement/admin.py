# Engagement records are partnership content: none of them is registered in the admin.
