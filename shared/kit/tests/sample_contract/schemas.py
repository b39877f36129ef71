"""Models of the sample contract."""

from pydantic import BaseModel


class GreetRequest(BaseModel):
    name: str


class Greeting(BaseModel):
    text: str
