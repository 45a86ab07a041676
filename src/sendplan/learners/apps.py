from django.apps import AppConfig


class LearnersConfig(AppConfig):
    name = "sendplan.learners"
    verbose_name = "Learner record"
