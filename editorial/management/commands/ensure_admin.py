"""Make sure an admin account exists; print its password the one time it is created."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the superuser 'admin' with a generated password if no superuser exists yet."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            names = ", ".join(User.objects.filter(is_superuser=True).values_list("username", flat=True)[:3])
            self.stdout.write(
                f"Admin account exists ({names}). Forgot the password? "
                f".venv/bin/python manage.py changepassword {names.split(',')[0]}"
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            "Created the admin account. Log in at http://127.0.0.1:8000/admin/ with\n"
            f"    username: {username}\n    password: {password}\n"
            "This password is shown only once; change it with "
            f".venv/bin/python manage.py changepassword {username}"
        )
