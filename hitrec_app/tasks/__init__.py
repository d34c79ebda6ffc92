"""Background tasks the app runs beside its pages (registered in hitrec_app.py).

Reflex-free: a task works through services and the database only; what it changes
reaches open pages through the services' events, like any other write.
"""
