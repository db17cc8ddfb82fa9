# Volunteer activity (volunteers, opportunities, hours, time credits) arrives with the
# volunteers issue; the app exists now so the layout and migrations are stable.
