"""HTTP shapes of the users API: input validation and the JSON of an account."""

from typing import Any

from rest_framework import serializers

from services.users.models import User
from services.users.models.user import DISPLAY_NAME_MAX_LENGTH


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    display_name = serializers.CharField(max_length=DISPLAY_NAME_MAX_LENGTH, required=False)


class TokenObtainSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class ProfileUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=DISPLAY_NAME_MAX_LENGTH, required=False)


class UserSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    date_joined = serializers.DateTimeField()


class PublicProfileSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    display_name = serializers.CharField()


class JWKSerializer(serializers.Serializer):
    kty = serializers.CharField()
    kid = serializers.CharField()
    use = serializers.CharField()
    alg = serializers.CharField()
    n = serializers.CharField()
    e = serializers.CharField()


class JWKSSerializer(serializers.Serializer):
    keys = JWKSerializer(many=True)


def user_data(user: User) -> dict[str, Any]:
    return UserSerializer(user).data


def public_profile_data(user: User) -> dict[str, Any]:
    return PublicProfileSerializer(user).data
