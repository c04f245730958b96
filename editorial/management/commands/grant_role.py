"""Give a user an editorial role: make them staff and add them to Authors or Editors."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

ROLES = {"author": "Authors", "editor": "Editors"}


class Command(BaseCommand):
    help = "Add USERNAME to the Authors or Editors group (creating nothing else). --remove takes it away."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(ROLES))
        parser.add_argument("--remove", action="store_true")

    def handle(self, *args, username, role, remove, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}; create one first (manage.py createsuperuser, or in the admin)")
        group = Group.objects.get(name=ROLES[role])
        if remove:
            user.groups.remove(group)
            self.stdout.write(f"{username} is no longer in {group.name}.")
            return
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(group)
        self.stdout.write(f"{username} is now in {group.name} and can log in to the admin.")
